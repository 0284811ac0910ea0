#include "alerts/payload.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <limits>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/calendar.h"
#include "common/json_string.h"
#include "common/sha256.h"

namespace arkivvakt::alerts {

namespace {

// A JSON object writer for the fixed shapes below: Key() then one value, in order.
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_ += '{'; }

  ~JsonObject() { out_ += '}'; }

  JsonObject(const JsonObject&) = delete;
  JsonObject& operator=(const JsonObject&) = delete;

  std::string& Key(std::string_view key) {
    if (!first_) {
      out_ += ',';
    }
    first_ = false;
    AppendJsonString(out_, key);
    out_ += ':';
    return out_;
  }

  void String(std::string_view key, std::string_view value) { AppendJsonString(Key(key), value); }

  void Number(std::string_view key, std::int64_t value) { Key(key) += std::to_string(value); }

 private:
  std::string& out_;
  bool first_ = true;
};

std::string Link(const Notification& n, const PayloadOptions& options) {
  return options.base_url + n.link();
}

bool IsFiring(const Notification& n) {
  return n.state() != AlertState::kResolved;
}

void AppendAlertmanagerAlert(std::string& out, const Notification& n, TimePoint now,
                             const PayloadOptions& options) {
  JsonObject alert(out);
  {
    JsonObject labels(alert.Key("labels"));
    labels.String("alertname", n.check());
    labels.String("severity", SeverityName(n.severity()));
    labels.String("family", n.family());
    labels.String("instance", options.instance);
    if (n.kind() != ChangeKind::kDigest) {
      labels.String("alert_id", std::to_string(n.alert_id()));
    }
  }
  {
    JsonObject annotations(alert.Key("annotations"));
    annotations.String("link", Link(n, options));
    if (n.kind() == ChangeKind::kDigest) {
      annotations.String("count", std::to_string(n.count()));
    } else {
      annotations.String("occurrences", std::to_string(n.occurrences()));
    }
  }
  TimePoint starts = n.first_seen();
  const TimePoint ends = IsFiring(n) ? now + options.resend_horizon : now;
  if (starts >= ends) {
    starts = ends - std::chrono::seconds{1};  // Alertmanager rejects startsAt >= endsAt
  }
  alert.String("startsAt", FormatUtc(starts));
  alert.String("endsAt", FormatUtc(ends));
  alert.String("generatorURL", Link(n, options));
}

std::string ToHex(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kDigits[data[i] >> 4U];
    hex += kDigits[data[i] & 0x0FU];
  }
  return hex;
}

std::string NoControl(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20U || c == 0x7F) {
      c = '?';
    }
  }
  return out;
}

}  // namespace

std::string EncodeAlertmanager(std::span<const Notification> notifications, TimePoint now,
                               const PayloadOptions& options) {
  std::string out = "[";
  bool first = true;
  for (const Notification& n : notifications) {
    if (!first) {
      out += ',';
    }
    first = false;
    AppendAlertmanagerAlert(out, n, now, options);
  }
  out += ']';
  return out;
}

std::string DeliveryId(const Notification& n) {
  std::string canonical;
  canonical += ChangeKindName(n.kind());
  canonical += '\n' + std::to_string(n.alert_id());
  canonical += '\n' + n.check();
  canonical += '\n' + std::string(SeverityName(n.severity()));
  canonical += '\n' + std::to_string(n.count());
  canonical += '\n' + std::to_string(n.at().time_since_epoch().count());
  return "ntf-" + Sha256Hex(canonical).substr(0, 32);
}

WebhookPayload EncodeWebhook(const Notification& n, const PayloadOptions& options) {
  WebhookPayload payload;
  payload.delivery_id = DeliveryId(n);
  JsonObject body(payload.body);
  body.String("version", "1");
  body.String("delivery_id", payload.delivery_id);
  body.String("change", ChangeKindName(n.kind()));
  if (n.kind() != ChangeKind::kDigest) {
    body.Number("alert_id", n.alert_id());
  }
  body.String("check", n.check());
  body.String("family", n.family());
  body.String("severity", SeverityName(n.severity()));
  body.String("state", AlertStateName(n.state()));
  {
    JsonObject subject(body.Key("subject"));
    if (!n.archive_system_id().empty()) {
      subject.String("archive_system_id", n.archive_system_id());
    }
    if (!n.case_document_id().empty()) {
      subject.String("case_document_id", n.case_document_id());
    }
    if (!n.case_id().empty()) {
      subject.String("case_id", n.case_id());
    }
  }
  body.Number("count", n.count());
  if (n.kind() != ChangeKind::kDigest) {
    body.Number("occurrences", n.occurrences());
  }
  body.String("first_seen", FormatUtc(n.first_seen()));
  body.String("at", FormatUtc(n.at()));
  body.String("link", Link(n, options));
  return payload;
}

Result<std::string> HmacSha256Hex(std::string_view key, std::string_view data) {
  static constexpr unsigned char kEmpty = 0;
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kInvalidArgument, "HMAC key longer than OpenSSL accepts");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  const unsigned char* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  const unsigned char* data_bytes =
      data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), data_bytes, data.size(),
           mac.data(), &mac_size) == nullptr) {
    return MakeError(ErrorCode::kInternal, "HMAC-SHA256 failed in OpenSSL");
  }
  return ToHex(mac.data(), mac_size);
}

Result<std::vector<Header>> WebhookHeaders(std::string_view body, std::string_view delivery_id,
                                           std::string_view secret) {
  Result<std::string> mac = HmacSha256Hex(secret, body);
  if (!mac.ok()) {
    return mac.error();
  }
  std::vector<Header> headers;
  headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back(std::string(kDeliveryHeader), NoControl(delivery_id));
  headers.emplace_back(std::string(kSignatureHeader), "sha256=" + *mac);
  return headers;
}

int JournalPriority(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return 2;
    case Severity::kHigh:
      return 3;
    case Severity::kWarning:
      return 4;
    case Severity::kInfo:
      return 6;
  }
  return 4;
}

std::vector<JournalField> JournalRecord(const Notification& n) {
  std::string message;
  if (n.kind() == ChangeKind::kDigest) {
    message = std::to_string(n.count()) + " alerts opened for check " + n.check() + " (" +
              std::string(SeverityName(n.severity())) + ")";
  } else {
    message = "alert " + std::to_string(n.alert_id()) + " " +
              std::string(ChangeKindName(n.kind())) + ": check " + n.check() + " (" +
              std::string(SeverityName(n.severity())) + "), state " +
              std::string(AlertStateName(n.state()));
  }
  std::vector<JournalField> fields;
  fields.push_back({"MESSAGE", std::move(message)});
  fields.push_back({"PRIORITY", std::to_string(JournalPriority(n.severity()))});
  fields.push_back({"ARKIVVAKT_CHECK", n.check()});
  if (n.kind() != ChangeKind::kDigest) {
    fields.push_back({"ARKIVVAKT_ALERT_ID", std::to_string(n.alert_id())});
  }
  fields.push_back({"ARKIVVAKT_STATE", std::string(AlertStateName(n.state()))});
  fields.push_back({"ARKIVVAKT_CHANGE", std::string(ChangeKindName(n.kind()))});
  fields.push_back({"ARKIVVAKT_COUNT", std::to_string(n.count())});
  return fields;
}

std::string EncodeJournalRecord(std::span<const JournalField> fields) {
  std::string out;
  for (const JournalField& field : fields) {
    out += NoControl(field.name);
    out += '=';
    out += NoControl(field.value);
    out += '\n';
  }
  return out;
}

}  // namespace arkivvakt::alerts
