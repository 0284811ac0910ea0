// Payload encoders for the notification sinks (DESIGN.md §7, integrity-ops §4): Alertmanager v2,
// a generic signed webhook, and the systemd journal. The HTTP and journal senders live in the
// daemon; this file only turns Notifications into the bytes they send, which the outbox stores.
//
// Everything encoded here comes from a Notification, so it carries ids, check names, counts,
// states, timestamps and links only (see notification.h). Strings are escaped per RFC 8259;
// invalid UTF-8 becomes U+FFFD.
//
// Alertmanager: a JSON array for POST /api/v2/alerts. Labels alertname (check id), severity,
// family, instance and alert_id (left out for a digest); annotations only the link and counts;
// startsAt = first seen; endsAt = now + resend_horizon while the alert is not resolved and = now
// once it is (the sender re-posts firing alerts before the horizon passes); generatorURL = link.
//
// Webhook: one JSON object per notification with a delivery id derived from the notification's
// content (so re-encoding and retries carry the same id; receivers deduplicate on it), sent with
// X-Arkivvakt-Delivery and X-Arkivvakt-Signature: sha256=<hex HMAC-SHA256(secret, body)>.
//
// Journal: structured fields MESSAGE, PRIORITY (critical 2, high 3, warning 4, info 6),
// ARKIVVAKT_CHECK, ARKIVVAKT_ALERT_ID, ARKIVVAKT_STATE, ARKIVVAKT_CHANGE, ARKIVVAKT_COUNT.
//
// Thread-safety: pure functions. Errors: HmacSha256Hex / WebhookHeaders return kInternal when
// OpenSSL fails. The secret is only read, never copied or logged.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/notification.h"
#include "common/clock.h"
#include "common/result.h"

namespace arkivvakt::alerts {

struct PayloadOptions {
  // Prefix for links, e.g. "https://arkivvakt.kommune.example:8470" (no trailing slash).
  std::string base_url;
  // Value of the Alertmanager "instance" label: which arkivvakt sent it (host name or id).
  std::string instance = "arkivvakt";
  // endsAt of a firing alert = now + this; integrity-ops §4.2 suggests 4 minutes for a 1-minute
  // sender loop.
  std::chrono::seconds resend_horizon{std::chrono::minutes(4)};
};

// JSON array for Alertmanager's POST /api/v2/alerts.
std::string EncodeAlertmanager(std::span<const Notification> notifications, TimePoint now,
                               const PayloadOptions& options);

// Stable id of one notification ("ntf-" + 32 hex digits); the same for every encoding of it.
std::string DeliveryId(const Notification& notification);

struct WebhookPayload {
  std::string delivery_id;
  std::string body;  // JSON object; also contains delivery_id
};

WebhookPayload EncodeWebhook(const Notification& notification, const PayloadOptions& options);

// Lower-case hex HMAC-SHA256 of `data` under `key` (OpenSSL EVP_MAC).
Result<std::string> HmacSha256Hex(std::string_view key, std::string_view data);

inline constexpr std::string_view kDeliveryHeader = "X-Arkivvakt-Delivery";
inline constexpr std::string_view kSignatureHeader = "X-Arkivvakt-Signature";

using Header = std::pair<std::string, std::string>;

// Content-Type, X-Arkivvakt-Delivery and X-Arkivvakt-Signature ("sha256=<hex>") for `body`.
// Computed at send time, so a rotated secret signs queued messages with the new key.
Result<std::vector<Header>> WebhookHeaders(std::string_view body, std::string_view delivery_id,
                                           std::string_view secret);

struct JournalField {
  std::string name;
  std::string value;
};

// 2 critical, 3 high, 4 warning, 6 info.
int JournalPriority(Severity severity);

std::vector<JournalField> JournalRecord(const Notification& notification);

// "NAME=value\n" per field (the journal native protocol's simple form; values never contain a
// newline — control characters are replaced by '?').
std::string EncodeJournalRecord(std::span<const JournalField> fields);

}  // namespace arkivvakt::alerts
