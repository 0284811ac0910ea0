#include "http/router.h"

#include <gtest/gtest.h>

namespace arkivvakt::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request&, const PathParams&) { return TextResponse(200, name); };
}

std::string Call(const Router::Lookup& lookup) {
  if (lookup.route == nullptr) {
    return "<none>";
  }
  return lookup.route->handler(Request{}, lookup.params).body;
}

TEST(Router, MatchesLiteralPathsAndExtractsParameters) {
  Router router;
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/alerts", {}, Named("list")).ok());
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/alerts/{id}", {}, Named("one")).ok());
  ASSERT_TRUE(router
                  .Add(Verb::kPost, "/api/v1/alerts/{id}/ack", {Role::kArchivist}, Named("ack"),
                       Execution::kBlocking)
                  .ok());

  EXPECT_EQ(Call(router.Find(Verb::kGet, "/api/v1/alerts")), "list");
  auto one = router.Find(Verb::kGet, "/api/v1/alerts/A-17");
  EXPECT_EQ(Call(one), "one");
  EXPECT_EQ(one.params.at("id"), "A-17");
  EXPECT_EQ(one.route->path_template, "/api/v1/alerts/{id}");

  auto ack = router.Find(Verb::kPost, "/api/v1/alerts/42/ack");
  ASSERT_NE(ack.route, nullptr);
  EXPECT_EQ(ack.params.at("id"), "42");
  EXPECT_EQ(ack.route->execution, Execution::kBlocking);
  EXPECT_EQ(ack.route->allowed, std::set<Role>{Role::kArchivist});
}

TEST(Router, UnknownPathIs404AndWrongVerbNamesTheAllowedOnes) {
  Router router;
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/runs", {}, Named("get")).ok());
  ASSERT_TRUE(router.Add(Verb::kPost, "/api/v1/runs", {}, Named("post")).ok());

  auto missing = router.Find(Verb::kGet, "/api/v1/nothing");
  EXPECT_EQ(missing.route, nullptr);
  EXPECT_TRUE(missing.allowed_verbs.empty());

  auto wrong = router.Find(Verb::kDelete, "/api/v1/runs");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.allowed_verbs, (std::vector<Verb>{Verb::kGet, Verb::kPost}));
}

TEST(Router, LiteralSegmentBeatsParameter) {
  Router router;
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/alerts/{id}", {}, Named("param")).ok());
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/alerts/summary", {}, Named("literal")).ok());
  EXPECT_EQ(Call(router.Find(Verb::kGet, "/api/v1/alerts/summary")), "literal");
  EXPECT_EQ(Call(router.Find(Verb::kGet, "/api/v1/alerts/other")), "param");
}

TEST(Router, EncodedSlashStaysInsideAParameter) {
  Router router;
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/reports/{kind}", {}, Named("r")).ok());
  auto lookup = router.Find(Verb::kGet, "/api/v1/reports/a%2Fb");
  ASSERT_NE(lookup.route, nullptr);
  EXPECT_EQ(lookup.params.at("kind"), "a/b");
  EXPECT_EQ(router.Find(Verb::kGet, "/api/v1/reports/a/b").route, nullptr);
}

TEST(Router, EmptySegmentsAndTrailingSlashesDoNotMatch) {
  Router router;
  ASSERT_TRUE(router.Add(Verb::kGet, "/api/v1/alerts/{id}/ack", {}, Named("x")).ok());
  ASSERT_TRUE(router.Add(Verb::kGet, "/", {}, Named("root")).ok());
  EXPECT_EQ(router.Find(Verb::kGet, "/api/v1/alerts//ack").route, nullptr);
  EXPECT_EQ(router.Find(Verb::kGet, "/api/v1/alerts/1/ack/").route, nullptr);
  EXPECT_EQ(Call(router.Find(Verb::kGet, "/")), "root");
}

TEST(Router, RefusesMalformedAndDuplicateTemplates) {
  Router router;
  EXPECT_FALSE(router.Add(Verb::kGet, "api/v1", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a//b", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a/{}", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a/{id", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a/{id}/{id}", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a b", {}, Named("x")).ok());
  EXPECT_FALSE(router.Add(Verb::kGet, "/a", {}, Handler{}).ok());
  ASSERT_TRUE(router.Add(Verb::kGet, "/a/{id}", {}, Named("x")).ok());
  auto dup = router.Add(Verb::kGet, "/a/{other}", {}, Named("y"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(router.Add(Verb::kPost, "/a/{id}", {}, Named("z")).ok());
  EXPECT_EQ(router.size(), 2u);
}

TEST(ParseTarget, SplitsAndDecodesPathAndQuery) {
  auto t = ParseTarget("/api/v1/alerts?severity=high&severity=critical&q=a+b%20c&flag&=x#frag");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/api/v1/alerts");
  EXPECT_EQ(t->raw_path, "/api/v1/alerts");
  ASSERT_EQ(t->query.size(), 5u);
  Request r;
  r.query = t->query;
  EXPECT_EQ(r.Query("severity"), "high");
  EXPECT_EQ(r.QueryAll("severity"), (std::vector<std::string_view>{"high", "critical"}));
  EXPECT_EQ(r.Query("q"), "a b c");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_EQ(r.Query(""), "x");
  EXPECT_FALSE(r.Query("missing").has_value());

  auto encoded = ParseTarget("/a%20b/c");
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(encoded->path, "/a b/c");
  EXPECT_EQ(encoded->raw_path, "/a%20b/c");
}

TEST(ParseTarget, RefusesBadEncodingNulAndNonOriginForm) {
  EXPECT_FALSE(ParseTarget("").has_value());
  EXPECT_FALSE(ParseTarget("http://example.org/x").has_value());
  EXPECT_FALSE(ParseTarget("*").has_value());
  EXPECT_FALSE(ParseTarget("/a%zz").has_value());
  EXPECT_FALSE(ParseTarget("/a%2").has_value());
  EXPECT_FALSE(ParseTarget("/a%00b").has_value());
  EXPECT_FALSE(ParseTarget("/a?k=%0").has_value());
  EXPECT_FALSE(ParseTarget("/a?k=%00").has_value());
}

TEST(Responses, ErrorResponseIsJsonWithTheMessageEscaped) {
  Response r = ErrorResponse(404, "no \"alert\"\n\x01");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"error\":\"no \\\"alert\\\"\\n\\u0001\"}");
  EXPECT_EQ(TextResponse(200, "ok").content_type, "text/plain; charset=utf-8");
}

TEST(Names, RolesAndVerbsRoundTrip) {
  for (Role role : {Role::kArchivist, Role::kAuditor, Role::kMetrics}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(Role::kArchivist), "archivist");
  EXPECT_FALSE(ParseRole("admin").has_value());
  for (Verb verb :
       {Verb::kGet, Verb::kHead, Verb::kPost, Verb::kPut, Verb::kPatch, Verb::kDelete}) {
    EXPECT_EQ(ParseVerb(VerbName(verb)), verb);
  }
  EXPECT_FALSE(ParseVerb("get").has_value());
}

}  // namespace
}  // namespace arkivvakt::http
