#include "http/auth.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

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

// The 32 bytes of a 64-digit hex SHA-256 (any case); nullopt when it is not one.
std::optional<std::array<std::uint8_t, 32>> ParseDigest(std::string_view hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 32> digest{};
  for (std::size_t k = 0; k < digest.size(); ++k) {
    int hi = HexDigitValue(hex[2 * k]);
    int lo = HexDigitValue(hex[2 * k + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    digest[k] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
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

Status ValidateGrants(const std::vector<TokenGrant>& tokens,
                      const std::vector<ClientCertGrant>& client_certs) {
  // Grants are named by index and name; a digest never appears in a message.
  auto token_label = [&](std::size_t i) {
    std::string label = "server.tokens[" + std::to_string(i) + "]";
    if (!tokens[i].name.empty()) {
      label += " (\"" + tokens[i].name + "\")";
    }
    return label;
  };
  std::map<std::array<std::uint8_t, 32>, std::size_t> seen_digests;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto digest = ParseDigest(tokens[i].sha256_hex);
    if (!digest) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "server.tokens[" + std::to_string(i) +
                           "]: sha256 must be 64 hex digits (the SHA-256 of the token)");
    }
    auto [it, inserted] = seen_digests.emplace(*digest, i);
    if (!inserted) {
      return MakeError(ErrorCode::kInvalidArgument,
                       token_label(it->second) + " and " + token_label(i) +
                           ": the same token (SHA-256) is granted twice; give each holder a "
                           "token of its own");
    }
  }
  std::map<std::string_view, std::size_t> seen_cns;
  for (std::size_t i = 0; i < client_certs.size(); ++i) {
    const std::string& cn = client_certs[i].subject_cn;
    if (cn.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "server.client_certs[" + std::to_string(i) + "]: subject_cn is empty");
    }
    auto [it, inserted] = seen_cns.emplace(cn, i);
    if (!inserted) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "server.client_certs[" + std::to_string(it->second) +
                           "] and server.client_certs[" + std::to_string(i) + "]: subject CN \"" +
                           cn + "\" is granted twice");
    }
  }
  return {};
}

Result<Authenticator> Authenticator::Create(const std::vector<TokenGrant>& tokens,
                                            const std::vector<ClientCertGrant>& client_certs) {
  ARKIVVAKT_RETURN_IF_ERROR(ValidateGrants(tokens, client_certs));
  Authenticator auth;
  auth.tokens_.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const TokenGrant& grant = tokens[i];
    // Validated above: the digest parses.
    auth.tokens_.push_back(Token{*ParseDigest(grant.sha256_hex), grant.role,
                                 grant.name.empty() ? "token" + std::to_string(i) : grant.name});
  }
  auth.certs_ = client_certs;
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
