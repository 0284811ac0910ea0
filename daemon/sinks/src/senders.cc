#include "sinks/senders.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <openssl/crypto.h>
#include <systemd/sd-journal.h>

#include "alerts/cycle.h"
#include "alerts/payload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace arkivvakt::sinks {

namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

}  // namespace

namespace {}  // namespace

SendOutcome HttpOutcome(const Result<HttpResponse>& response, std::string_view sink) {
  SendOutcome out;
  if (!response.ok()) {
    out.error = response.error().message;
    return out;
  }
  out.http_status = response->status;
  if (response->status >= 200 && response->status < 300) {
    out.delivered = true;
    return out;
  }
  out.refused = response->status >= 400 && response->status < 500 && response->status != 408 &&
                response->status != 429;
  out.error = std::string(sink) + " answered HTTP " + std::to_string(response->status);
  if (out.refused) {
    out.error += " (refuses this message; retrying, check the receiver)";
  }
  return out;
}

// ---- Alertmanager

AlertmanagerSender::AlertmanagerSender(std::shared_ptr<const HttpClient> client, HttpUrl url)
    : client_(std::move(client)), url_(std::move(url)) {}

Result<std::unique_ptr<AlertmanagerSender>> AlertmanagerSender::Create(
    std::shared_ptr<const HttpClient> client, std::string_view base_url) {
  Result<HttpUrl> url = ParseHttpUrl(base_url);
  if (!url.ok()) {
    return url.error();
  }
  std::string target = url->target;
  if (const std::size_t q = target.find('?'); q != std::string::npos) {
    target.resize(q);
  }
  while (!target.empty() && target.back() == '/') {
    target.pop_back();
  }
  url->target = target + "/api/v2/alerts";
  return std::unique_ptr<AlertmanagerSender>(
      new AlertmanagerSender(std::move(client), std::move(*url)));
}

SendOutcome AlertmanagerSender::Send(std::string_view payload) const {
  return HttpOutcome(client_->Post(url_, payload, {}), "alertmanager");
}

// ---- webhook secret

Result<WebhookSecret> WebhookSecret::FromFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, "cannot open the webhook secret file " + path.string() + ": " +
                                         std::strerror(errno));
  }
  WebhookSecret secret;

  struct stat st {};

  constexpr off_t kMaxSecret = 4096;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxSecret) {
    ::close(fd);
    return MakeError(ErrorCode::kInvalidArgument,
                     "the webhook secret file " + path.string() +
                         " is not a regular file of at most 4096 bytes");
  }
  secret.bytes_.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < secret.bytes_.size()) {
    const ssize_t n = ::read(fd, secret.bytes_.data() + got, secret.bytes_.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != secret.bytes_.size()) {
    return MakeError(ErrorCode::kIo, "cannot read the webhook secret file " + path.string());
  }
  if (!secret.bytes_.empty() && secret.bytes_.back() == '\n') {
    secret.bytes_.back() = '\0';
    secret.bytes_.pop_back();
    if (!secret.bytes_.empty() && secret.bytes_.back() == '\r') {
      secret.bytes_.back() = '\0';
      secret.bytes_.pop_back();
    }
  }
  if (secret.bytes_.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the webhook secret file " + path.string() + " is empty");
  }
  return secret;
}

WebhookSecret::WebhookSecret(WebhookSecret&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

WebhookSecret& WebhookSecret::operator=(WebhookSecret&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

WebhookSecret::~WebhookSecret() {
  Wipe();
}

void WebhookSecret::Wipe() {
  if (bytes_.capacity() > 0) {
    OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
  }
  bytes_.clear();
}

// ---- webhook

WebhookSender::WebhookSender(std::shared_ptr<const HttpClient> client, HttpUrl url,
                             WebhookSecret secret)
    : client_(std::move(client)), url_(std::move(url)), secret_(std::move(secret)) {}

Result<std::unique_ptr<WebhookSender>> WebhookSender::Create(
    std::shared_ptr<const HttpClient> client, std::string_view url, WebhookSecret secret) {
  Result<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) {
    return parsed.error();
  }
  return std::unique_ptr<WebhookSender>(
      new WebhookSender(std::move(client), std::move(*parsed), std::move(secret)));
}

SendOutcome WebhookSender::Send(std::string_view payload) const {
  const std::optional<alerts::WebhookPayload> message = alerts::ParseWebhookOutboxPayload(payload);
  if (!message) {
    return SendOutcome{false, 0, true, "webhook outbox payload is malformed"};
  }
  Result<std::vector<alerts::Header>> headers =
      alerts::WebhookHeaders(message->body, message->delivery_id, secret_.view());
  if (!headers.ok()) {
    return SendOutcome{false, 0, false, headers.error().message};
  }
  return HttpOutcome(client_->Post(url_, message->body, *headers), "webhook");
}

// ---- journal

SendOutcome JournalSender::Send(std::string_view payload) const {
  const auto fields = alerts::ParseJournalRecord(payload);
  if (!fields) {
    return SendOutcome{false, 0, true, "journal outbox payload is malformed"};
  }
  std::vector<std::string> lines;
  lines.reserve(fields->size() + 1);
  for (const alerts::JournalField& f : *fields) {
    lines.push_back(f.name + "=" + f.value);
  }
  lines.emplace_back("SYSLOG_IDENTIFIER=arkivvakt");
  std::vector<struct iovec> iov(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    iov[i].iov_base = lines[i].data();
    iov[i].iov_len = lines[i].size();
  }
  // sd_journal_sendv() reports success when there is no journal; at-least-once needs to know.
  if (::access(kJournalSocket, W_OK) != 0) {
    return SendOutcome{false, 0, false,
                       std::string("the journal is not running (no ") + kJournalSocket + ")"};
  }
  const int r = sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  if (r < 0) {
    return SendOutcome{false, 0, false,
                       std::string("journal refused the entry: ") + std::strerror(-r)};
  }
  return SendOutcome{true, 0, false, {}};
}

}  // namespace arkivvakt::sinks
