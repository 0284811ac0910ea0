#include "http/auth.h"

#include <cctype>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace arkivvakt::http {
namespace {

constexpr std::string_view kArchivistToken = "archivist-secret-token-1";
constexpr std::string_view kMetricsToken = "metrics-secret-token-2";

Authenticator MakeAuth() {
  auto auth =
      Authenticator::Create({{Role::kArchivist, TokenSha256Hex(kArchivistToken), "archive-office"},
                             {Role::kMetrics, TokenSha256Hex(kMetricsToken), "prometheus"}},
                            {{"auditor.example", Role::kAuditor}});
  EXPECT_TRUE(auth.ok());
  return std::move(*auth);
}

TEST(TokenSha256Hex, MatchesTheKnownDigest) {
  // printf 'abc' | sha256sum
  EXPECT_EQ(TokenSha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Authenticator, BearerTokenMapsToItsGrant) {
  Authenticator auth = MakeAuth();
  auto outcome = auth.Authenticate("Bearer " + std::string(kArchivistToken), std::nullopt);
  ASSERT_TRUE(outcome.principal.has_value());
  EXPECT_EQ(outcome.principal->role, Role::kArchivist);
  EXPECT_EQ(outcome.principal->name, "archive-office");
  EXPECT_FALSE(outcome.failure.has_value());

  // Scheme is case-insensitive; surrounding blanks are ignored.
  auto lower = auth.Authenticate("bearer  " + std::string(kMetricsToken) + " ", std::nullopt);
  ASSERT_TRUE(lower.principal.has_value());
  EXPECT_EQ(lower.principal->role, Role::kMetrics);
}

TEST(Authenticator, DigestsInUpperCaseHexAreAccepted) {
  std::string upper = TokenSha256Hex("t");
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  auto auth = Authenticator::Create({{Role::kAuditor, upper, "a"}}, {});
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(auth->Authenticate("Bearer t", std::nullopt).principal.has_value());
}

TEST(Authenticator, WrongTokenOtherSchemeOrEmptyTokenIsInvalid) {
  Authenticator auth = MakeAuth();
  for (std::string header :
       {std::string("Bearer wrong"), std::string("Bearer "),
        std::string("Basic ") + std::string(kArchivistToken), std::string(kArchivistToken),
        std::string("Bearer") + std::string(kArchivistToken)}) {
    auto outcome = auth.Authenticate(header, std::nullopt);
    EXPECT_FALSE(outcome.principal.has_value()) << "header #" << header.size();
    EXPECT_EQ(outcome.failure, AuthFailure::kInvalid);
  }
  // A token differing only in the last byte.
  std::string near(kArchivistToken);
  near.back() = '2';
  EXPECT_EQ(auth.Authenticate("Bearer " + near, std::nullopt).failure, AuthFailure::kInvalid);
}

TEST(Authenticator, NoCredentialsIsMissing) {
  Authenticator auth = MakeAuth();
  auto outcome = auth.Authenticate(std::nullopt, std::nullopt);
  EXPECT_FALSE(outcome.principal.has_value());
  EXPECT_EQ(outcome.failure, AuthFailure::kMissing);
}

TEST(Authenticator, ClientCertificateCnMapsToItsGrant) {
  Authenticator auth = MakeAuth();
  auto outcome = auth.Authenticate(std::nullopt, "auditor.example");
  ASSERT_TRUE(outcome.principal.has_value());
  EXPECT_EQ(outcome.principal->role, Role::kAuditor);
  EXPECT_EQ(outcome.principal->name, "auditor.example");
  EXPECT_EQ(auth.Authenticate(std::nullopt, "stranger.example").failure, AuthFailure::kInvalid);
}

TEST(Authenticator, APresentedTokenDecidesEvenWithAGoodCertificate) {
  Authenticator auth = MakeAuth();
  EXPECT_EQ(auth.Authenticate("Bearer wrong", "auditor.example").failure, AuthFailure::kInvalid);
  auto token = auth.Authenticate("Bearer " + std::string(kMetricsToken), "auditor.example");
  ASSERT_TRUE(token.principal.has_value());
  EXPECT_EQ(token.principal->role, Role::kMetrics);
}

TEST(Authenticator, RefusesMalformedGrantsWithoutEchoingThem) {
  const std::string bad = "zz" + TokenSha256Hex("x").substr(2);
  auto r = Authenticator::Create(
      {{Role::kMetrics, TokenSha256Hex("ok"), "a"}, {Role::kMetrics, bad, "b"}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("server.tokens[1]"), std::string::npos);
  EXPECT_EQ(r.error().message.find(bad), std::string::npos);
  EXPECT_FALSE(Authenticator::Create({{Role::kMetrics, "abc", "a"}}, {}).ok());
  EXPECT_FALSE(Authenticator::Create({}, {{"", Role::kAuditor}}).ok());
}

TEST(ValidateGrants, RefusesOneTokenHashInTwoGrantsNamingTheGrantsNeverTheHash) {
  const std::string hash = TokenSha256Hex("shared-token");
  std::string upper = hash;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  // Different roles, the same role, and the same digest spelled in another case.
  for (auto [role, spelled] : std::vector<std::pair<Role, std::string>>{
           {Role::kMetrics, hash}, {Role::kArchivist, hash}, {Role::kArchivist, upper}}) {
    std::vector<TokenGrant> tokens = {{Role::kArchivist, hash, "archive-office"},
                                      {Role::kAuditor, TokenSha256Hex("other"), "county-auditor"},
                                      {role, spelled, "prometheus"}};
    Status s = ValidateGrants(tokens, {});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("archive-office"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("prometheus"), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().message.find("county-auditor"), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().message.find(hash), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().message.find(upper), std::string::npos) << s.error().message;
    // Create() runs the same validation.
    auto created = Authenticator::Create(tokens, {});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().message, s.error().message);
  }
}

TEST(ValidateGrants, RefusesAClientCertificateCnGrantedTwice) {
  for (Role second : {Role::kAuditor, Role::kArchivist}) {
    std::vector<ClientCertGrant> certs = {{"auditor.example", Role::kAuditor},
                                          {"ops.example", Role::kMetrics},
                                          {"auditor.example", second}};
    Status s = ValidateGrants({}, certs);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("auditor.example"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("server.client_certs[0]"), std::string::npos);
    EXPECT_NE(s.error().message.find("server.client_certs[2]"), std::string::npos);
    EXPECT_FALSE(Authenticator::Create({}, certs).ok());
  }
}

TEST(ValidateGrants, AcceptsDistinctGrantsAndRefusesWhatCreateRefuses) {
  EXPECT_TRUE(ValidateGrants({}, {}).ok());
  EXPECT_TRUE(ValidateGrants({{Role::kArchivist, TokenSha256Hex("a"), "a"},
                              {Role::kArchivist, TokenSha256Hex("b"), "b"}},
                             {{"x.example", Role::kAuditor}, {"y.example", Role::kAuditor}})
                  .ok());
  EXPECT_FALSE(ValidateGrants({{Role::kMetrics, "abc", "a"}}, {}).ok());
  EXPECT_FALSE(
      ValidateGrants({{Role::kMetrics, "zz" + TokenSha256Hex("x").substr(2), "a"}}, {}).ok());
  EXPECT_FALSE(ValidateGrants({}, {{"", Role::kAuditor}}).ok());
}

TEST(Authorize, DecisionsPerRoute) {
  Authenticator auth = MakeAuth();
  const std::set<Role> archivist_only{Role::kArchivist};
  const std::set<Role> metrics_roles{Role::kMetrics, Role::kAuditor, Role::kArchivist};
  auto archivist = auth.Authenticate("Bearer " + std::string(kArchivistToken), std::nullopt);
  auto metrics = auth.Authenticate("Bearer " + std::string(kMetricsToken), std::nullopt);
  auto none = auth.Authenticate(std::nullopt, std::nullopt);
  auto bad = auth.Authenticate("Bearer nope", std::nullopt);

  EXPECT_EQ(Authorize(archivist, archivist_only), std::nullopt);
  EXPECT_EQ(Authorize(metrics, archivist_only), AuthFailure::kForbidden);
  EXPECT_EQ(Authorize(metrics, metrics_roles), std::nullopt);
  EXPECT_EQ(Authorize(none, archivist_only), AuthFailure::kMissing);
  EXPECT_EQ(Authorize(bad, archivist_only), AuthFailure::kInvalid);
  // Public routes need nothing, and bad credentials do not matter there.
  EXPECT_EQ(Authorize(none, {}), std::nullopt);
  EXPECT_EQ(Authorize(bad, {}), std::nullopt);
  EXPECT_EQ(AuthFailureName(AuthFailure::kForbidden), "forbidden");
}

}  // namespace
}  // namespace arkivvakt::http
