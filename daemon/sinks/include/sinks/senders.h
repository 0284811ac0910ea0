// Notification senders (DESIGN.md §7): one per sink, each taking an outbox message's payload as
// alerts/cycle.h stored it and delivering it once.
//
// - AlertmanagerSender: POST {url}/api/v2/alerts with the JSON array.
// - WebhookSender: POST the body with X-Arkivvakt-Delivery (the delivery id stored with it, the
//   same on every retry) and X-Arkivvakt-Signature (HMAC-SHA256 under the secret, computed at
//   send time so a rotated secret signs queued messages with the new key).
// - JournalSender: sd_journal_sendv with the stored structured fields (PRIORITY by severity) and
//   SYSLOG_IDENTIFIER=arkivvakt. Without a journal socket (/run/systemd/journal/socket) it fails,
//   so entries stay queued (sd_journal_sendv itself drops them silently then).
//
// A 2xx response is delivered. Everything else is a failure to retry; a 4xx other than 408 and
// 429 means the receiver refuses the message itself (SendOutcome::refused), which a retry is
// unlikely to change — it is still retried (at-least-once, never dropped) and the operator sees
// it in the log and the outbox's last_error.
//
// Secrets: WebhookSecret holds the key in memory it owns, is not copyable, wipes it with
// OPENSSL_cleanse, and never appears in an error or a log line.
//
// Thread-safety: Send() may be called concurrently; senders hold no mutable state.
// Errors: Send() never fails as a call: it returns the outcome with an operator text (scheme,
// host, port and HTTP status — no payload, URL path, header, secret, nor the receiver's answer,
// which may echo anything).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sinks/http_client.h"

namespace arkivvakt::sinks {

struct SendOutcome {
  bool delivered = false;
  int http_status = 0;   // 0 when no HTTP response was received (or not an HTTP sink)
  bool refused = false;  // a 4xx other than 408/429, or a payload the sink cannot take
  std::string error;     // operator text when not delivered
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendOutcome Send(std::string_view payload) const = 0;
};

// The outcome of one HTTP exchange by the rules above.
SendOutcome HttpOutcome(const Result<HttpResponse>& response, std::string_view sink);

class AlertmanagerSender final : public Sender {
 public:
  // `base_url` as configured ([alerts.alertmanager] url), e.g. "http://127.0.0.1:9093".
  static Result<std::unique_ptr<AlertmanagerSender>> Create(
      std::shared_ptr<const HttpClient> client, std::string_view base_url);

  SendOutcome Send(std::string_view payload) const override;

 private:
  AlertmanagerSender(std::shared_ptr<const HttpClient> client, HttpUrl url);
  std::shared_ptr<const HttpClient> client_;
  HttpUrl url_;
};

// The webhook key. Read from a file (systemd credential or /etc/arkivvakt/webhook.secret); one
// trailing newline is dropped.
class WebhookSecret {
 public:
  static Result<WebhookSecret> FromFile(const std::filesystem::path& path);

  WebhookSecret(WebhookSecret&& other) noexcept;
  WebhookSecret& operator=(WebhookSecret&& other) noexcept;
  WebhookSecret(const WebhookSecret&) = delete;
  WebhookSecret& operator=(const WebhookSecret&) = delete;
  ~WebhookSecret();

  std::string_view view() const { return {bytes_.data(), bytes_.size()}; }

 private:
  WebhookSecret() = default;
  void Wipe();
  std::vector<char> bytes_;
};

class WebhookSender final : public Sender {
 public:
  static Result<std::unique_ptr<WebhookSender>> Create(std::shared_ptr<const HttpClient> client,
                                                       std::string_view url, WebhookSecret secret);

  SendOutcome Send(std::string_view payload) const override;

 private:
  WebhookSender(std::shared_ptr<const HttpClient> client, HttpUrl url, WebhookSecret secret);
  std::shared_ptr<const HttpClient> client_;
  HttpUrl url_;
  WebhookSecret secret_;
};

class JournalSender final : public Sender {
 public:
  SendOutcome Send(std::string_view payload) const override;
};

}  // namespace arkivvakt::sinks
