// URL parsing, HTTP outcome classification and the outbox worker over an in-memory outbox with
// scripted senders (pure logic: the real receivers are in tests/component/sinks).
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alerts/delivery.h"
#include "sinks/http_client.h"
#include "sinks/outbox_worker.h"
#include "sinks/senders.h"
#include "unit/alerts/memory_stores.h"

namespace arkivvakt::sinks {
namespace {

using alerts::testing::MemoryOutboxStore;
using std::chrono::seconds;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}.time_since_epoch()};
}

TEST(ParseHttpUrl, SchemesHostsPortsAndTargets) {
  auto u = ParseHttpUrl("https://hooks.example/arkivvakt?x=1#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/arkivvakt?x=1");
  EXPECT_EQ(u->Origin(), "https://hooks.example:443");
  u = ParseHttpUrl("HTTP://127.0.0.1:9093");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, "9093");
  EXPECT_EQ(u->target, "/");
  u = ParseHttpUrl("http://[::1]:8080/p");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->Origin(), "http://[::1]:8080");
  for (const char* bad : {"hooks.example/x", "http://", "http://h:port/", "http://h:123456/",
                          "http://u:p@h/", "http://[::1/"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

TEST(HttpOutcome, TwoHundredsDeliverFourHundredsOtherThan408And429AreRefused) {
  auto at = [](int status) { return HttpOutcome(HttpResponse{status, "echo", false}, "webhook"); };
  EXPECT_TRUE(at(200).delivered);
  EXPECT_TRUE(at(204).delivered);
  EXPECT_FALSE(at(301).delivered);
  EXPECT_TRUE(at(400).refused);
  EXPECT_TRUE(at(422).refused);
  EXPECT_FALSE(at(408).refused);
  EXPECT_FALSE(at(429).refused);
  EXPECT_FALSE(at(503).refused);
  EXPECT_FALSE(at(503).delivered);
  EXPECT_EQ(at(503).http_status, 503);
  EXPECT_EQ(at(400).error.find("echo"), std::string::npos);
  const SendOutcome io =
      HttpOutcome(Result<HttpResponse>(MakeError(ErrorCode::kIo, "connecting failed")), "x");
  EXPECT_FALSE(io.delivered);
  EXPECT_EQ(io.error, "connecting failed");
}

class ScriptedSender final : public Sender {
 public:
  explicit ScriptedSender(std::vector<SendOutcome> script) : script_(std::move(script)) {}

  SendOutcome Send(std::string_view payload) const override {
    payloads_.emplace_back(payload);
    const std::size_t i = std::min(payloads_.size() - 1, script_.size() - 1);
    return script_[i];
  }

  mutable std::vector<std::string> payloads_;

 private:
  std::vector<SendOutcome> script_;
};

TEST(DeliverDue, MarksDeliveredOn2xxAndSchedulesRetriesWithBackoffOtherwise) {
  MemoryOutboxStore outbox;
  ASSERT_TRUE(outbox.Enqueue("webhook", "ntf-1\n{}", T0()).ok());
  ASSERT_TRUE(outbox.Enqueue("journal", "MESSAGE=x\n", T0()).ok());
  ASSERT_TRUE(outbox.Enqueue("alertmanager", "[]", T0() + seconds(60)).ok());  // not yet due
  ScriptedSender webhook({SendOutcome{false, 503, false, "HTTP 503"},
                          SendOutcome{false, 400, true, "HTTP 400"},
                          SendOutcome{true, 200, false, {}}});
  ScriptedSender journal({SendOutcome{true, 0, false, {}}});
  const SenderMap senders = {{"webhook", &webhook}, {"journal", &journal}};
  DeliveryOptions options;
  options.retry.jitter_fraction = 0;

  auto c = DeliverDue(outbox, senders, T0(), 10, options);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->attempted, 2);
  EXPECT_EQ(c->delivered, 1);
  EXPECT_EQ(c->failed, 1);
  EXPECT_EQ(outbox.messages()[0].next_attempt_at, T0() + seconds(1));
  EXPECT_EQ(outbox.messages()[0].last_error, "HTTP 503");
  EXPECT_TRUE(outbox.messages()[1].delivered_at.has_value());

  c = DeliverDue(outbox, senders, T0() + seconds(1), 10, options);
  EXPECT_EQ(c->refused, 1);
  EXPECT_EQ(outbox.messages()[0].next_attempt_at, T0() + seconds(3));  // 1 s, then 2 s

  c = DeliverDue(outbox, senders, T0() + seconds(60), 10, options);
  EXPECT_EQ(c->delivered, 1);
  EXPECT_EQ(c->no_sender, 1);  // alertmanager is not configured: stays queued
  EXPECT_FALSE(outbox.messages()[2].delivered_at.has_value());
  EXPECT_EQ(outbox.messages()[2].last_error, "no sender is configured for sink alertmanager");
  // The same payload on every attempt.
  ASSERT_EQ(webhook.payloads_.size(), 3U);
  EXPECT_EQ(webhook.payloads_[0], webhook.payloads_[2]);
  // Delivered messages are not sent again.
  c = DeliverDue(outbox, senders, T0() + std::chrono::hours(10), 10, options);
  EXPECT_EQ(c->attempted, 1);
  EXPECT_EQ(webhook.payloads_.size(), 3U);
}

TEST(DeliverDue, LimitBoundsOneRound) {
  MemoryOutboxStore outbox;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(outbox.Enqueue("journal", "MESSAGE=x\n", T0()).ok());
  }
  ScriptedSender journal({SendOutcome{true, 0, false, {}}});
  auto c = DeliverDue(outbox, {{"journal", &journal}}, T0(), 2);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->delivered, 2);
}

// A receiver back after a long outage: its messages wait out backoffs of up to ten minutes; the
// probe sends the oldest one now and, when it is delivered, makes the rest due at once.
TEST(ProbeWaitingSinks, AReceiverThatAnswersAgainGetsEverythingWaitingAtOnce) {
  MemoryOutboxStore outbox;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(outbox.Enqueue("webhook", "ntf-" + std::to_string(i) + "\n{}", T0()).ok());
  }
  ASSERT_TRUE(outbox.Enqueue("journal", "MESSAGE=x\n", T0()).ok());
  ScriptedSender down({SendOutcome{false, 0, false, "connection refused"}});
  DeliveryOptions options;
  options.retry.jitter_fraction = 0;
  // An hour of failures: the waits grow to the ten-minute cap.
  for (int minute = 0; minute < 60; ++minute) {
    ASSERT_TRUE(
        DeliverDue(outbox, {{"webhook", &down}}, T0() + std::chrono::minutes(minute), 10, options)
            .ok());
  }
  const TimePoint now = T0() + std::chrono::minutes(60);
  ASSERT_TRUE(outbox.messages()[0].next_attempt_at > now);
  // Still down: the probe changes nothing.
  auto back = ProbeWaitingSinks(outbox, {{"webhook", &down}}, now);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
  EXPECT_TRUE(outbox.messages()[1].next_attempt_at > now);
  // Back: the oldest goes now, the others are due now; the other sink stays as it was.
  ScriptedSender up({SendOutcome{true, 200, false, {}}});
  ScriptedSender journal({SendOutcome{false, 0, false, "journal down"}});
  back = ProbeWaitingSinks(outbox, {{"webhook", &up}, {"journal", &journal}}, now);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, std::vector<std::string>{"webhook"});
  EXPECT_TRUE(outbox.messages()[0].delivered_at.has_value());
  EXPECT_EQ(outbox.messages()[1].next_attempt_at, now);
  EXPECT_EQ(outbox.messages()[2].next_attempt_at, now);
  // The journal's message waited too (no sender in the hour); its probe failed: unchanged.
  EXPECT_EQ(journal.payloads_.size(), 1u);
  EXPECT_FALSE(outbox.messages()[3].delivered_at.has_value());
  EXPECT_TRUE(outbox.messages()[3].next_attempt_at > now);
  auto c = DeliverDue(outbox, {{"webhook", &up}}, now, 10, options);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->delivered, 2);
}

}  // namespace
}  // namespace arkivvakt::sinks
