#include "http/auth.h"

#include <algorithm>
#include <cstddef>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "common/hex.h"

namespace arkivvakt::http {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

std::array<std::uint8_t, 32> Digest(std::string_view token) {
  std::array<std::uint8_t, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

}  // namespace

std::string TokenSha256Hex(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto digest = Digest(token);
  std::string hex;
  hex.reserve(64);
  for (std::uint8_t b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0xF];
  }
  return hex;
}

std::string_view AuthFailureName(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kMissing:
      return "missing";
    case AuthFailure::kInvalid:
      return "invalid";
    case AuthFailure::kForbidden:
      return "forbidden";
  }
  return "invalid";
}

Result<Authenticator> Authenticator::Create(const std::vector<TokenGrant>& tokens,
                                            const std::vector<ClientCertGrant>& client_certs) {
  Authenticator auth;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const TokenGrant& grant = tokens[i];
    const std::string where = "server.tokens[" + std::to_string(i) + "]";
    if (grant.sha256_hex.size() != 64) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": sha256 must be 64 hex digits (the SHA-256 of the token)");
    }
    Token token{};
    for (std::size_t k = 0; k < 32; ++k) {
      int hi = HexDigitValue(grant.sha256_hex[2 * k]);
      int lo = HexDigitValue(grant.sha256_hex[2 * k + 1]);
      if (hi < 0 || lo < 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": sha256 must be 64 hex digits (the SHA-256 of the token)");
      }
      token.digest[k] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    token.role = grant.role;
    token.name = grant.name.empty() ? "token" + std::to_string(i) : grant.name;
    auth.tokens_.push_back(std::move(token));
  }
  for (std::size_t i = 0; i < client_certs.size(); ++i) {
    if (client_certs[i].subject_cn.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "server.client_certs[" + std::to_string(i) + "]: subject_cn is empty");
    }
    auth.certs_.push_back(client_certs[i]);
  }
  return auth;
}

AuthOutcome Authenticator::Authenticate(std::optional<std::string_view> authorization,
                                        std::optional<std::string_view> verified_client_cn) const {
  AuthOutcome outcome;
  if (authorization) {
    std::string_view value = *authorization;
    constexpr std::string_view kScheme = "bearer";
    std::size_t space = value.find(' ');
    if (space == std::string_view::npos || !EqualsIgnoreCase(value.substr(0, space), kScheme)) {
      outcome.failure = AuthFailure::kInvalid;
      return outcome;
    }
    std::string_view token = value.substr(space + 1);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
      token.remove_prefix(1);
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
      token.remove_suffix(1);
    }
    if (token.empty()) {
      outcome.failure = AuthFailure::kInvalid;
      return outcome;
    }
    auto digest = Digest(token);
    // Every grant is compared, so the time taken does not tell which one (or whether one) matched.
    const Token* found = nullptr;
    for (const Token& grant : tokens_) {
      bool equal = CRYPTO_memcmp(grant.digest.data(), digest.data(), digest.size()) == 0;
      if (equal && found == nullptr) {
        found = &grant;
      }
    }
    OPENSSL_cleanse(digest.data(), digest.size());
    if (found == nullptr) {
      outcome.failure = AuthFailure::kInvalid;
      return outcome;
    }
    outcome.principal = Principal{found->role, found->name};
    return outcome;
  }
  if (verified_client_cn) {
    for (const ClientCertGrant& grant : certs_) {
      if (grant.subject_cn == *verified_client_cn) {
        outcome.principal = Principal{grant.role, grant.subject_cn};
        return outcome;
      }
    }
    // A certificate the CA vouches for but that no grant names: credentials, but not good ones.
    outcome.failure = AuthFailure::kInvalid;
    return outcome;
  }
  outcome.failure = AuthFailure::kMissing;
  return outcome;
}

std::optional<AuthFailure> Authorize(const AuthOutcome& outcome, const std::set<Role>& allowed) {
  if (allowed.empty()) {
    return std::nullopt;
  }
  if (!outcome.principal) {
    return outcome.failure.value_or(AuthFailure::kMissing);
  }
  if (allowed.count(outcome.principal->role) == 0) {
    return AuthFailure::kForbidden;
  }
  return std::nullopt;
}

}  // namespace arkivvakt::http
