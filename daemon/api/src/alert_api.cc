#include "api/alert_api.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "alerts/notification.h"
#include "alerts/payload.h"
#include "common/calendar.h"

namespace arkivvakt::api {

namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using http::Role;

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v <= 0) {
    return std::nullopt;
  }
  return v;
}

// "YYYY-MM-DDThh:mm:ssZ" only.
std::optional<TimePoint> ParseUtc(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, v);
    if (ec != std::errc() || ptr != text.data() + pos + len) {
      return std::nullopt;
    }
    return v;
  };
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
             s = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{*y},
                                        std::chrono::month{static_cast<unsigned>(*mo)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return TimePoint{std::chrono::sys_days{ymd}.time_since_epoch()} + std::chrono::hours(*h) +
         std::chrono::minutes(*mi) + std::chrono::seconds(*s);
}

json::object AlertJson(const alerts::Alert& a, bool with_history) {
  json::object o;
  o["id"] = a.id;
  o["check"] = a.key.check;
  o["family"] = alerts::CheckFamily(a.key.check);
  o["subject_key"] = a.key.subject_key;
  o["severity"] = SeverityName(a.severity);
  o["state"] = alerts::AlertStateName(a.state);
  o["assignee"] = a.assignee;
  o["message"] = a.message;
  o["first_seen"] = FormatUtc(a.first_seen);
  o["last_seen"] = FormatUtc(a.last_seen);
  o["occurrences"] = a.occurrences;
  o["link"] = alerts::AlertLink(a.id);
  if (with_history) {
    json::array history;
    for (const alerts::AlertEvent& e : a.history) {
      json::object h;
      h["event"] = alerts::AlertEventKindName(e.kind);
      h["at"] = FormatUtc(e.at);
      h["actor"] = e.actor;
      h["comment"] = e.comment;
      history.push_back(std::move(h));
    }
    o["history"] = std::move(history);
  }
  return o;
}

Response StoreError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kNotFound:
      return http::ErrorResponse(404, "no such alert");
    case ErrorCode::kInvalidArgument:
      return http::ErrorResponse(409, e.message);  // lifecycle messages: ids and states only
    case ErrorCode::kIo:
      return http::ErrorResponse(503, "the store is unavailable; try again");
    default:
      return http::ErrorResponse(500, "internal error");
  }
}

// The JSON object body of a POST, or nullopt.
std::optional<json::object> BodyObject(const Request& req) {
  json::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  return std::move(v.as_object());
}

// A string member: nullopt when absent or not a string.
std::optional<std::string> StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::string Actor(const Request& req) {
  return req.principal ? req.principal->name : std::string();
}

class AlertApi {
 public:
  AlertApi(StoreAccess stores, const Clock& clock, AlertApiOptions options)
      : stores_(std::move(stores)), clock_(clock), options_(std::move(options)) {}

  Response List(const Request& req) const {
    alerts::AlertQuery q;
    if (auto v = req.Query("state")) {
      q.state = alerts::ParseAlertState(*v);
      if (!q.state) {
        return http::ErrorResponse(400, "state must be open, acknowledged or resolved");
      }
    }
    if (auto v = req.Query("severity")) {
      q.severity = ParseSeverity(*v);
      if (!q.severity) {
        return http::ErrorResponse(400, "severity must be info, warning, high or critical");
      }
    }
    q.check = std::string(req.Query("check").value_or(""));
    q.family = std::string(req.Query("family").value_or(""));
    q.assignee = std::string(req.Query("assignee").value_or(""));
    if (auto v = req.Query("since")) {
      q.since = ParseUtc(*v);
      if (!q.since) {
        return http::ErrorResponse(400, "since must be YYYY-MM-DDThh:mm:ssZ");
      }
    }
    if (auto v = req.Query("limit")) {
      const auto limit = ParseId(*v);
      if (!limit || *limit > alerts::kMaxAlertPageSize) {
        return http::ErrorResponse(400, "limit must be 1 to 500");
      }
      q.limit = static_cast<int>(*limit);
    }
    if (auto v = req.Query("cursor")) {
      const auto after = ParseId(*v);
      if (!after) {
        return http::ErrorResponse(400, "cursor is malformed");
      }
      q.after_id = *after;
    }
    std::optional<alerts::AlertPage> page;
    const Status s = stores_([&](alerts::AlertStore& a, alerts::OutboxStore&) -> Status {
      auto r = a.ListAlerts(q);
      if (!r.ok()) {
        return r.error();
      }
      page = std::move(*r);
      return {};
    });
    if (!s.ok()) {
      return StoreError(s.error());
    }
    json::object out;
    json::array list;
    for (const alerts::Alert& alert : page->alerts) {
      list.push_back(AlertJson(alert, false));
    }
    out["alerts"] = std::move(list);
    if (page->next_after_id != 0) {
      out["next_cursor"] = std::to_string(page->next_after_id);
    } else {
      out["next_cursor"] = nullptr;
    }
    return http::JsonResponse(200, json::serialize(out));
  }

  Response Get(const Request&, const http::PathParams& params) const {
    const auto id = ParseId(params.at("id"));
    if (!id) {
      return http::ErrorResponse(400, "alert id must be a positive integer");
    }
    std::optional<alerts::Alert> alert;
    const Status s = stores_([&](alerts::AlertStore& a, alerts::OutboxStore&) -> Status {
      auto r = a.GetAlert(*id);
      if (!r.ok()) {
        return r.error();
      }
      if (!r->has_value()) {
        return MakeError(ErrorCode::kNotFound, "no alert");
      }
      alert = std::move(**r);
      return {};
    });
    if (!s.ok()) {
      return StoreError(s.error());
    }
    return http::JsonResponse(200, json::serialize(AlertJson(*alert, true)));
  }

  // ack, assign, resolve.
  template <class F>
  Response Write(const Request& req, const http::PathParams& params, F&& action) const {
    const auto id = ParseId(params.at("id"));
    if (!id) {
      return http::ErrorResponse(400, "alert id must be a positive integer");
    }
    const std::string actor = Actor(req);
    if (actor.empty()) {
      return http::ErrorResponse(403, "no authenticated principal");
    }
    const auto body = BodyObject(req);
    if (!body) {
      return http::ErrorResponse(400, "the body must be a JSON object");
    }
    std::optional<Response> bad;
    std::optional<alerts::Alert> saved;
    const Status s = stores_([&](alerts::AlertStore& a, alerts::OutboxStore& o) -> Status {
      Result<alerts::Alert> r = action(a, o, *id, actor, *body, clock_.Now(), bad);
      if (bad) {
        return {};
      }
      if (!r.ok()) {
        return r.error();
      }
      saved = std::move(*r);
      return {};
    });
    if (bad) {
      return *bad;
    }
    if (!s.ok()) {
      return StoreError(s.error());
    }
    return http::JsonResponse(200, json::serialize(AlertJson(*saved, true)));
  }

  Response Ack(const Request& req, const http::PathParams& params) const {
    return Write(req, params,
                 [](alerts::AlertStore& a, alerts::OutboxStore& o, std::int64_t id,
                    const std::string& actor, const json::object& body, TimePoint now,
                    std::optional<Response>& bad) -> Result<alerts::Alert> {
                   auto comment = StringMember(body, "comment");
                   if (!comment || comment->empty()) {
                     bad = http::ErrorResponse(400, "comment is required");
                     return MakeError(ErrorCode::kInvalidArgument, "comment");
                   }
                   return alerts::AcknowledgeAlert(a, o, id, actor, std::move(*comment), now);
                 });
  }

  Response AssignTo(const Request& req, const http::PathParams& params) const {
    return Write(req, params,
                 [](alerts::AlertStore& a, alerts::OutboxStore& o, std::int64_t id,
                    const std::string& actor, const json::object& body, TimePoint now,
                    std::optional<Response>& bad) -> Result<alerts::Alert> {
                   auto assignee = StringMember(body, "assignee");
                   if (!assignee) {
                     bad = http::ErrorResponse(400, "assignee is required (\"\" unassigns)");
                     return MakeError(ErrorCode::kInvalidArgument, "assignee");
                   }
                   return alerts::AssignAlert(a, o, id, actor, std::move(*assignee), now);
                 });
  }

  Response ResolveWith(const Request& req, const http::PathParams& params) const {
    const alerts::SinkSelection sinks =
        options_.current_sinks ? options_.current_sinks() : options_.sinks;
    return Write(req, params,
                 [&sinks](alerts::AlertStore& a, alerts::OutboxStore& o, std::int64_t id,
                          const std::string& actor, const json::object& body, TimePoint now,
                          std::optional<Response>& bad) -> Result<alerts::Alert> {
                   const auto reason_text = StringMember(body, "reason");
                   const auto reason =
                       reason_text ? alerts::ParseResolutionReason(*reason_text) : std::nullopt;
                   if (!reason) {
                     bad = http::ErrorResponse(
                         400, "reason must be \"fixed\", \"accepted\" or \"false-positive\"");
                     return MakeError(ErrorCode::kInvalidArgument, "reason");
                   }
                   const json::value* c = body.if_contains("comment");
                   if (c != nullptr && !c->is_string()) {
                     bad = http::ErrorResponse(400, "comment must be a string");
                     return MakeError(ErrorCode::kInvalidArgument, "comment");
                   }
                   std::string comment = c != nullptr ? std::string(c->as_string()) : "";
                   return alerts::ResolveAlert(a, o, sinks, id, actor, *reason, std::move(comment),
                                               now);
                 });
  }

 private:
  StoreAccess stores_;
  const Clock& clock_;
  AlertApiOptions options_;
};

}  // namespace

StoreAccess SerializedStoreAccess(alerts::AlertStore& alerts, alerts::OutboxStore& outbox) {
  auto mu = std::make_shared<std::mutex>();
  return [mu, &alerts, &outbox](const StoreUse& use) -> Status {
    std::lock_guard<std::mutex> lock(*mu);
    return use(alerts, outbox);
  };
}

Status RegisterAlertApi(http::Router& router, StoreAccess stores, const Clock& clock,
                        AlertApiOptions options) {
  auto api = std::make_shared<const AlertApi>(std::move(stores), clock, std::move(options));
  const std::set<Role> readers = {Role::kArchivist, Role::kAuditor};
  const std::set<Role> writers = {Role::kArchivist};
  constexpr auto kBlocking = http::Execution::kBlocking;
  ARKIVVAKT_RETURN_IF_ERROR(router.Add(
      http::Verb::kGet, "/api/v1/alerts", readers,
      [api](const Request& r, const http::PathParams&) { return api->List(r); }, kBlocking));
  ARKIVVAKT_RETURN_IF_ERROR(router.Add(
      http::Verb::kGet, "/api/v1/alerts/{id}", readers,
      [api](const Request& r, const http::PathParams& p) { return api->Get(r, p); }, kBlocking));
  ARKIVVAKT_RETURN_IF_ERROR(router.Add(
      http::Verb::kPost, "/api/v1/alerts/{id}/ack", writers,
      [api](const Request& r, const http::PathParams& p) { return api->Ack(r, p); }, kBlocking));
  ARKIVVAKT_RETURN_IF_ERROR(router.Add(
      http::Verb::kPost, "/api/v1/alerts/{id}/assign", writers,
      [api](const Request& r, const http::PathParams& p) { return api->AssignTo(r, p); },
      kBlocking));
  return router.Add(
      http::Verb::kPost, "/api/v1/alerts/{id}/resolve", writers,
      [api](const Request& r, const http::PathParams& p) { return api->ResolveWith(r, p); },
      kBlocking);
}

}  // namespace arkivvakt::api
