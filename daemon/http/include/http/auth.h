// Authentication and authorisation decisions of the HTTP server, kept apart from the sockets so
// that they are tested as plain functions.
//
// Credentials: `Authorization: Bearer <token>` — the SHA-256 of the token (lower-case hex) is
// compared in constant time (CRYPTO_memcmp, every grant is compared) with the configured grants;
// or a client certificate that the TLS layer verified against `client_ca`, whose subject CN is
// granted a role. A token, when presented, decides alone (a bad token is not rescued by a
// certificate). Tokens are never stored, logged or echoed: only their digests are kept.
//
// Grants are validated by one function, ValidateGrants(): Authenticator::Create() runs it, so
// Server::Start(), Server::SetGrants() and `arkivvakt config check` refuse the same sets.
//
// Thread-safety: an Authenticator is immutable after construction; Authenticate() may be called
// from any number of threads at once. The server swaps whole Authenticators (Server::SetGrants).
// Errors: ValidateGrants() and Create() return kInvalidArgument naming the grants by index and
// name, or the subject CN (never a digest), when a digest is not 64 hex digits, a subject CN is
// empty, one token digest is in two grants (same role or not) or one CN is granted twice.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/router.h"

namespace arkivvakt::http {

// A bearer token granted a role. `sha256_hex` is the SHA-256 of the token, hex (any case).
struct TokenGrant {
  Role role = Role::kMetrics;
  std::string sha256_hex;
  std::string name;  // who holds it, e.g. "prometheus"; shown in logs and to handlers
};

// A client certificate (verified against ServerOptions::client_ca) granted a role by subject CN.
struct ClientCertGrant {
  std::string subject_cn;
  Role role = Role::kMetrics;
};

// The validation of Server::Start(), Server::SetGrants() and Authenticator::Create(), for callers
// that check a configuration without starting a server: every sha256_hex is 64 hex digits (any
// case); no digest is in two token grants, whatever their roles or the case of the hex; every
// subject_cn is non-empty and in one grant only. Ok, or kInvalidArgument, e.g.
// `server.tokens[0] ("prometheus") and server.tokens[2] ("night-shift"): the same token
// (SHA-256) is granted twice; ...`. An empty set is valid (every protected route answers 401).
Status ValidateGrants(const std::vector<TokenGrant>& tokens,
                      const std::vector<ClientCertGrant>& client_certs);

// Lower-case hex SHA-256 of `token` (what operators put in the config: `sha256sum`).
std::string TokenSha256Hex(std::string_view token);

// Why a request was refused; also the `reason` label of arkivvakt_http_auth_failures_total.
enum class AuthFailure { kMissing, kInvalid, kForbidden };

std::string_view AuthFailureName(AuthFailure failure);  // "missing", "invalid", "forbidden"

struct AuthOutcome {
  std::optional<Principal> principal;  // set when the credentials are good
  std::optional<AuthFailure> failure;  // kMissing or kInvalid when they are absent or bad
};

class Authenticator {
 public:
  // ValidateGrants(), then the grants as an Authenticator.
  static Result<Authenticator> Create(const std::vector<TokenGrant>& tokens,
                                      const std::vector<ClientCertGrant>& client_certs);

  // `authorization`: the Authorization header's value, if the request had one.
  // `verified_client_cn`: the subject CN of a client certificate that passed verification.
  // Only the "Bearer" scheme (case-insensitive) is accepted; anything else is kInvalid.
  AuthOutcome Authenticate(std::optional<std::string_view> authorization,
                           std::optional<std::string_view> verified_client_cn) const;

  bool has_grants() const { return !tokens_.empty() || !certs_.empty(); }

 private:
  struct Token {
    std::array<std::uint8_t, 32> digest;
    Role role;
    std::string name;
  };

  std::vector<Token> tokens_;
  std::vector<ClientCertGrant> certs_;
};

// The decision for a route: nullopt = allowed. Public routes (empty `allowed`) are always
// allowed. Otherwise an authentication failure is returned as is (401), and a principal whose
// role is not in `allowed` gives kForbidden (403).
std::optional<AuthFailure> Authorize(const AuthOutcome& outcome, const std::set<Role>& allowed);

}  // namespace arkivvakt::http
