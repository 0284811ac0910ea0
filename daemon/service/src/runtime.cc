#include "service/runtime.h"

#include <cstdio>
#include <fstream>
#include <system_error>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/auth.h"
#include "service/cycle_setup.h"
#include "sinks/http_client.h"

#include <sys/stat.h>

namespace arkivvakt::service {

namespace {

using daemon::Config;

Result<http::ServerOptions> ServerOptionsFrom(const Config& c) {
  http::ServerOptions o;
  o.listen = c.listen;
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  o.client_ca = c.client_ca;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  o.max_connections = c.max_connections;
  for (const daemon::ServerToken& t : c.tokens) {
    auto role = http::ParseRole(t.role);
    if (!role) {
      return MakeError(ErrorCode::kInvalidArgument,
                       c.file.string() + ": [[server.tokens]] unknown role \"" + t.role + "\"");
    }
    o.tokens.push_back({*role, t.sha256, t.name});
  }
  for (const daemon::ClientCertGrant& g : c.client_certs) {
    auto role = http::ParseRole(g.role);
    if (!role) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          c.file.string() + ": [[server.client_certs]] unknown role \"" + g.role + "\"");
    }
    o.client_certs.push_back({g.subject_cn, *role});
  }
  if (Status s = http::ValidateGrants(o.tokens, o.client_certs); !s.ok()) {
    return MakeError(s.error().code, c.file.string() + ": " + s.error().message);
  }
  return o;
}

// Parsed, and bound once on a throw-away socket: an address this host does not have fails
// here, as it would at start-up. "In use" is accepted (usually the running daemon itself).
Status CheckListenAddress(const Config& c) {
  auto endpoint = http::ParseListenAddress(c.listen);
  if (!endpoint.ok()) {
    return MakeError(endpoint.error().code, c.file.string() + ": " + endpoint.error().message);
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io);
  boost::system::error_code ec;
  probe.open(endpoint->protocol(), ec);
  if (!ec) {
    probe.set_option(boost::asio::socket_base::reuse_address(true), ec);
    probe.bind(*endpoint, ec);
  }
  if (ec && ec != boost::asio::error::address_in_use) {
    return MakeError(ErrorCode::kInvalidArgument, c.file.string() + ": [server] listen \"" +
                                                      c.listen + "\" cannot be bound (" +
                                                      ec.message() + ")");
  }
  return {};
}

Status CheckReadable(const Config& c, const std::filesystem::path& file, std::string_view key) {
  if (file.empty()) {
    return {};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, c.file.string() + ": " + std::string(key) + " " +
                                               file.string() + " cannot be read");
  }
  return {};
}

// Secret files should be readable by the daemon's user only.
void WarnIfOthersCanRead(const std::filesystem::path& file, std::string_view key,
                         std::vector<std::string>& warnings) {
  struct stat st {};

  if (file.empty() || ::stat(file.c_str(), &st) != 0) {
    return;
  }
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
    warnings.push_back(std::string(key) + " " + file.string() +
                       " is readable by other users (mode " + mode +
                       "); make it 0600 or use a systemd credential");
  }
}

Status BuildSenders(const Config& c, Runtime& r) {
  if (!c.alertmanager_url.empty() || !c.webhook_url.empty()) {
    sinks::HttpClientOptions ho;
    ho.timeout = std::chrono::milliseconds(c.webhook_timeout_ms);
    auto client = sinks::HttpClient::Create(ho);
    if (!client.ok()) {
      return client.error();
    }
    if (!c.alertmanager_url.empty()) {
      auto am = sinks::AlertmanagerSender::Create(*client, c.alertmanager_url);
      if (!am.ok()) {
        return MakeError(am.error().code,
                         c.file.string() + ": [alerts.alertmanager] url: " + am.error().message);
      }
      r.alertmanager = std::move(*am);
      r.senders[std::string(alerts::kAlertmanagerSink)] = r.alertmanager.get();
    }
    if (!c.webhook_url.empty()) {
      auto secret = sinks::WebhookSecret::FromFile(c.webhook_secret_file);
      if (!secret.ok()) {
        return MakeError(secret.error().code, c.file.string() + ": [alerts.webhook] secret_file: " +
                                                  secret.error().message);
      }
      auto wh = sinks::WebhookSender::Create(*client, c.webhook_url, std::move(*secret));
      if (!wh.ok()) {
        return MakeError(wh.error().code,
                         c.file.string() + ": [alerts.webhook] url: " + wh.error().message);
      }
      r.webhook = std::move(*wh);
      r.senders[std::string(alerts::kWebhookSink)] = r.webhook.get();
    }
  }
  if (c.journal) {
    r.journal = std::make_shared<const sinks::JournalSender>();
    r.senders[std::string(alerts::kJournalSink)] = r.journal.get();
  }
  r.sinks.alertmanager = r.alertmanager != nullptr;
  r.sinks.webhook = r.webhook != nullptr;
  r.sinks.journal = r.journal != nullptr;
  r.sinks.payload.base_url = c.public_url;
  return {};
}

}  // namespace

std::chrono::seconds FamilyInterval(const Config& c, checks::Family f) {
  std::chrono::seconds s{0};
  switch (f) {
    case checks::Family::kRec:
      s = c.rec_interval;
      break;
    case checks::Family::kFix:
      s = c.fix_interval;
      break;
    case checks::Family::kLock:
      s = c.lock_interval;
      break;
    case checks::Family::kSig:
      s = c.sig_interval;
      break;
    case checks::Family::kRet:
      s = c.ret_interval;
      break;
    case checks::Family::kShred:
      s = c.shred_interval;
      break;
    case checks::Family::kDl:
      s = c.dl_interval;
      break;
    case checks::Family::kAcc:
      s = c.acc_interval;
      break;
    case checks::Family::kN5:
      s = c.n5_interval;
      break;
  }
  return s.count() > 0 ? s : c.interval;
}

Result<std::shared_ptr<const Runtime>> BuildRuntime(Config config) {
  auto r = std::make_shared<Runtime>();
  const Config& c = config;
  auto server = ServerOptionsFrom(c);
  if (!server.ok()) {
    return server.error();
  }
  r->server = std::move(*server);
  ARKIVVAKT_RETURN_IF_ERROR(CheckListenAddress(c));
  ARKIVVAKT_RETURN_IF_ERROR(CheckReadable(c, c.tls_cert, "[server] tls_cert"));
  ARKIVVAKT_RETURN_IF_ERROR(CheckReadable(c, c.tls_key, "[server] tls_key"));
  ARKIVVAKT_RETURN_IF_ERROR(CheckReadable(c, c.client_ca, "[server] client_ca"));
  auto cycle = daemon::MakeCycleOptions(c);
  if (!cycle.ok()) {
    return cycle.error();
  }
  r->cycle = std::move(*cycle);
  if (auto source = daemon::MakeCaseSystemSource(c); !source.ok()) {
    return source.error();
  }
  ARKIVVAKT_RETURN_IF_ERROR(BuildSenders(c, *r));
  r->flood.digest_threshold = c.digest_threshold;
  r->alertmanager_resend = c.alertmanager_resend;
  // Alertmanager keeps a firing alert until its endsAt: three resend intervals ahead, so one or
  // two lost re-posts do not make it look resolved.
  r->sinks.payload.resend_horizon = 3 * c.alertmanager_resend;
  for (checks::Family f : checks::kAllFamilies) {
    r->intervals[static_cast<std::size_t>(f)] = FamilyInterval(c, f);
  }
  r->state = {.full_read_every = static_cast<std::uint32_t>(c.full_read_every),
              .watermark_overlap = c.watermark_overlap};
  r->sweep = {.bytes_per_second = c.sweep_bytes_per_second,
              .period = r->intervals[static_cast<std::size_t>(checks::Family::kFix)],
              .full_sweep = c.full_sweep};
  WarnIfOthersCanRead(c.webhook_secret_file, "[alerts.webhook] secret_file", r->warnings);
  WarnIfOthersCanRead(c.dsn_file, "[store] dsn_file", r->warnings);
  WarnIfOthersCanRead(c.casesystem_dsn_file, "[casesystem] dsn_file", r->warnings);
  WarnIfOthersCanRead(c.tls_key, "[server] tls_key", r->warnings);
  WarnIfOthersCanRead(c.report_key, "[signing] report_key", r->warnings);
  r->config = std::move(config);
  return std::shared_ptr<const Runtime>(std::move(r));
}

Result<std::shared_ptr<const Runtime>> LoadRuntime(const std::filesystem::path& file) {
  auto config = daemon::LoadConfig(file);
  if (!config.ok()) {
    return config.error();
  }
  return BuildRuntime(std::move(*config));
}

std::vector<std::string> RestartOnlyChanges(const Config& running, const Config& next) {
  std::vector<std::string> changed;
  const auto note = [&](bool differs, const char* key) {
    if (differs) {
      changed.emplace_back(key);
    }
  };
  note(running.listen != next.listen, "server.listen");
  note(running.tls_cert != next.tls_cert, "server.tls_cert");
  note(running.tls_key != next.tls_key, "server.tls_key");
  note(running.client_ca != next.client_ca, "server.client_ca");
  note(running.max_body_bytes != next.max_body_bytes, "server.max_body_bytes");
  note(running.read_timeout_ms != next.read_timeout_ms, "server.read_timeout_ms");
  note(running.max_connections != next.max_connections, "server.max_connections");
  note(running.state_dir != next.state_dir, "daemon.state_dir");
  note(running.store_backend != next.store_backend, "store.backend");
  note(running.store_path != next.store_path, "store.path");
  note(running.dsn_file != next.dsn_file, "store.dsn_file");
  note(running.statement_timeout_ms != next.statement_timeout_ms, "store.statement_timeout_ms");
  return changed;
}

}  // namespace arkivvakt::service
