// Routing for the daemon's HTTP API: requests as plain values, path templates with named
// parameters, per-route roles and where a handler runs.
//
// A route is (verb, path template, allowed roles, handler, execution). Templates are absolute
// paths of literal segments and `{name}` parameters: "/api/v1/alerts/{id}/ack". Matching is per
// segment on the percent-decoded path; a literal segment wins over a parameter at the same place
// ("/api/v1/alerts/summary" beats "/api/v1/alerts/{id}"). A path no template matches is a 404; a
// path some template matches under another verb is a 405 and the response names the verbs in
// `Allow`. Empty `allowed` = public (no credentials needed); otherwise the server answers 401
// (no or bad credentials) or 403 (a principal whose role is not allowed) before the handler runs.
//
// Handlers get the request with its authenticated principal (role and grant name, never the token
// or the Authorization header) and the path parameters. kInline handlers run on the session's
// strand in the io_context and must not block; kBlocking handlers run on the server's thread pool
// (they may call the SQLite/PostgreSQL store) and their response is posted back to the session.
// A handler that throws gets a 500 {"error":"internal error"}; the exception text is not shown or
// logged (it could carry data).
//
// Thread-safety: Add() only before the router is handed to a running server; Find() and the
// handlers' invocation may then happen from any number of threads at once. Handlers must be
// thread-safe themselves (kBlocking handlers run concurrently).
// Errors: Add() returns kInvalidArgument for a malformed template or a duplicate (verb, template).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace arkivvakt::http {

// The roles of DESIGN.md §8. Names are the config/JSON strings "archivist", "auditor", "metrics".
enum class Role { kArchivist, kAuditor, kMetrics };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// The request methods the API uses. Anything else is answered 405 (or 400 if unparseable).
enum class Verb { kGet, kHead, kPost, kPut, kPatch, kDelete };

std::string_view VerbName(Verb verb);  // "GET", "POST", ...
std::optional<Verb> ParseVerb(std::string_view name);

// Who made the request, as established by the server.
struct Principal {
  Role role = Role::kAuditor;
  std::string name;  // the token grant's name or the client certificate's subject CN
};

using PathParams = std::map<std::string, std::string, std::less<>>;
// Decoded query parameters in order of appearance; a key may repeat
// ("severity=high&severity=critical").
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Verb verb = Verb::kGet;
  std::string target;  // the request target as received: path and query
  std::string path;    // percent-decoded path, without the query
  QueryParams query;   // percent-decoded, '+' as space
  // Header fields by lower-case name (the last one wins if repeated). `authorization` and
  // `cookie` are never passed to handlers.
  std::map<std::string, std::string, std::less<>> headers;
  std::string body;
  std::optional<Principal> principal;  // unset on public routes
  std::string route;                   // the matched path template, e.g. "/api/v1/alerts/{id}"

  // The first value of query parameter `key`, if present.
  std::optional<std::string_view> Query(std::string_view key) const;
  // All values of query parameter `key`, in order.
  std::vector<std::string_view> QueryAll(std::string_view key) const;
  // Header by lower-case name, if present.
  std::optional<std::string_view> Header(std::string_view lower_case_name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Additional header fields (e.g. Location, Retry-After). Content-Type, Content-Length and
  // Connection are set by the server.
  std::vector<std::pair<std::string, std::string>> headers;
};

// `json` is already serialised JSON.
Response JsonResponse(unsigned status, std::string json);
// text/plain; charset=utf-8
Response TextResponse(unsigned status, std::string text);
// {"error":"<message>"} with the message JSON-escaped. Messages are for operators: ids only.
Response ErrorResponse(unsigned status, std::string_view message);

using Handler = std::function<Response(const Request&, const PathParams&)>;

enum class Execution { kInline, kBlocking };

// Splits a request target into its decoded path and query. Returns nullopt for a target that is
// not origin-form ("/..."), has bad percent-encoding, or decodes to a NUL byte.
struct ParsedTarget {
  std::string path;      // decoded
  std::string raw_path;  // as received, for Router::Find
  QueryParams query;
};

std::optional<ParsedTarget> ParseTarget(std::string_view target);

class Router {
 public:
  struct Route {
    Verb verb;
    std::string path_template;
    std::set<Role> allowed;  // empty = public
    Handler handler;
    Execution execution;
  };

  struct Lookup {
    const Route* route = nullptr;  // set when a route matches path and verb
    PathParams params;
    // When route is null: the verbs other routes accept on this path. Empty = 404, else 405.
    std::vector<Verb> allowed_verbs;
  };

  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  Status Add(Verb verb, std::string_view path_template, std::set<Role> allowed, Handler handler,
             Execution execution = Execution::kInline);

  // `raw_path` is the path as received (ParsedTarget::raw_path): it is split at '/' first and
  // each segment is decoded after, so an encoded "%2F" stays inside a parameter.
  Lookup Find(Verb verb, std::string_view raw_path) const;

  std::size_t size() const { return routes_.size(); }

 private:
  struct Compiled;
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
};

}  // namespace arkivvakt::http
