// Per-preset behaviour, as shared/reference/asgi-send-disconnect.md records
// it for each version (the [P] rows were also checked against the Debian
// packages by tests/conformance). Each test runs the simplest interleaving
// unless it says otherwise.
#include "models/server/presets.h"

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "models/server/presets_markdown.h"
#include "models/server/server.h"
#include "sim/connection.h"
#include "sim/random_source.h"
#include "tests/testing/test_util.h"

namespace models {
namespace {

using testing::AnySeedViolates;
using testing::Ran;
using testing::RunSeed;
using testing::RunTape;

TEST(Uvicorn0176Websockets,
     SendAfterTheClientsCloseFrameRaisesConnectionClosedOKNotAnOSError) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-close-1000");
  const SendRecord* s = r.FirstRaise();
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->error.type, "ConnectionClosedOK");
  EXPECT_TRUE(s->error.IsA("ConnectionClosed"));
  EXPECT_TRUE(s->error.IsA("WebSocketException"));
  EXPECT_FALSE(s->error.IsA("OSError"));
  EXPECT_EQ(s->error.message, "received 1000 (OK); then sent 1000 (OK)");
  EXPECT_TRUE(s->after_client_close);
  EXPECT_TRUE(r.Violates("foreign-exception",
                         "ConnectionClosedOK: received N (OK); then sent N "
                         "(OK)"));
  EXPECT_TRUE(r.outcome.LoggedAtLeast(LogLevel::kError));
}

TEST(Uvicorn0176Websockets, FinWithoutCloseFrameRaisesConnectionClosedError) {
  Ran r = RunTape("server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-fin");
  ASSERT_NE(r.FirstRaise(), nullptr);
  EXPECT_STREQ(r.FirstRaise()->error.type, "ConnectionClosedError");
  EXPECT_EQ(r.FirstRaise()->error.message, "no close frame received or sent");
}

TEST(Uvicorn0176Websockets,
     ReceivingTheDisconnectMakesTheNextSendBlameTheAppForAClose) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-websockets,app=ws-receive-after-close,client=ws-"
      "close-1000");
  const SendRecord* s = r.FirstRaise();
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->error.type, "RuntimeError");
  EXPECT_EQ(s->error.message,
            "Unexpected ASGI message 'websocket.send', after sending "
            "'websocket.close'.");
  EXPECT_TRUE(r.Violates("invalid-transition", "blames-app-for-close"));
}

TEST(Uvicorn0176Wsproto, FinWithoutCloseFrameNeverProducesWebsocketDisconnect) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-wsproto,app=ws-receive-after-close,client=ws-fin");
  ASSERT_NE(r.outcome.client_closed, sim::Time::Infinite());
  for (const ReceiveRecord& rec : r.outcome.receives) {
    EXPECT_NE(rec.message.type, MessageType::kWsDisconnect)
        << rec.message.ToString();
  }
  EXPECT_TRUE(r.Violates("disconnect-delivery", "never"));
}

TEST(Uvicorn0176Wsproto, RstProducesADisconnectWithoutACodeKey) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-wsproto,app=ws-close-on-disconnect,client=ws-rst");
  bool found = false;
  for (const ReceiveRecord& rec : r.outcome.receives) {
    if (rec.message.type == MessageType::kWsDisconnect) {
      EXPECT_EQ(rec.message.code, kNoCode);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(r.Violates("close-code", "missing"));
}

TEST(Uvicorn0176Wsproto, SendAfterTheClientsCloseFrameLeaksLocalProtocolError) {
  Ran r =
      RunTape("server=uvicorn-0.17.6-wsproto,app=ws-push,client=ws-close-1000");
  ASSERT_NE(r.FirstRaise(), nullptr);
  EXPECT_STREQ(r.FirstRaise()->error.type, "LocalProtocolError");
  EXPECT_TRUE(r.FirstRaise()->error.IsA("ProtocolError"));
}

TEST(Uvicorn0176Wsproto, APausedSendIsNeverReleasedByConnectionLoss) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-wsproto,app=ws-bulk-push,client=ws-stall-then-"
      "rst");
  EXPECT_TRUE(r.outcome.send_pending);
  EXPECT_TRUE(r.Violates("send-blocks"));
  // uvicorn's HTTP flow control does release it.
  Ran http = RunTape(
      "server=uvicorn-0.17.6-h11,app=bulk-stream,client=http-slow-then-rst");
  EXPECT_GT(http.outcome.write_pauses, 0);  // a send did wait
  EXPECT_FALSE(http.outcome.send_pending);
  EXPECT_GT(r.outcome.write_pauses, 0);
}

TEST(Uvicorn, SecondResponseStartAfterCompletionRaisesUnexpectedASGIMessage) {
  for (const char* server :
       {"uvicorn-0.17.6-h11", "uvicorn-0.17.6-httptools", "uvicorn-0.51-h11"}) {
    Ran r = RunTape(absl::StrCat("server=", server,
                                 ",app=send-after-complete,client=http-full"));
    const SendRecord* s = r.FirstRaise();
    ASSERT_NE(s, nullptr) << server;
    EXPECT_STREQ(s->error.type, "RuntimeError") << server;
    EXPECT_TRUE(absl::StartsWith(
        s->error.message, "Unexpected ASGI message 'http.response.start'"))
        << s->error.message;
    EXPECT_TRUE(absl::StrContains(s->error.message,
                                  "after response already completed"));
  }
}

TEST(Uvicorn0176H11,
     SendsAfterTheClientLeftAreSilentNoOpsAndReceiveRepeatsTheDisconnect) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1");
  EXPECT_EQ(r.outcome.SendsAfterClientClose(), 20);
  EXPECT_EQ(r.outcome.SendsOkAfterClientClose(), 20);
  EXPECT_TRUE(r.violations.empty()) << r.violations.front().ToString();
  Ran recv = RunTape(
      "server=uvicorn-0.17.6-h11,app=receive-after-disconnect,client=http-fin-"
      "after-request");
  int disconnects = 0;
  for (const ReceiveRecord& rec : recv.outcome.receives) {
    disconnects += rec.message.type == MessageType::kHttpDisconnect;
  }
  EXPECT_EQ(disconnects, 3);
}

TEST(Uvicorn028, ClientDisconnectedWrappedInAnExceptionGroupIsLoggedAtError) {
  // encode/uvicorn#2271: found by exploration; the corpus keeps its tape.
  EXPECT_TRUE(AnySeedViolates(
      "server=uvicorn-0.28.0,app=stream-taskgroup,client=http-close-at-random",
      "error-log", "ExceptionGroup: unhandled errors in a TaskGroup", 200));
}

TEST(Hypercorn0132, CleanFinAfterACompleteRequestNeverProducesHttpDisconnect) {
  Ran r =
      RunTape("server=hypercorn-0.13.2,app=long-poll,client=http-fin-after-1");
  for (const ReceiveRecord& rec : r.outcome.receives) {
    EXPECT_NE(rec.message.type, MessageType::kHttpDisconnect);
  }
  EXPECT_EQ(r.outcome.server_noticed, sim::Time::Infinite());
  EXPECT_TRUE(r.Violates("disconnect-delivery", "never"));
  EXPECT_TRUE(r.Violates("zombie"));
  // Fixed in 0.14.4: the current version delivers it.
  Ran fixed =
      RunTape("server=hypercorn-0.18.0,app=long-poll,client=http-fin-after-1");
  EXPECT_FALSE(fixed.Violates("disconnect-delivery"));
}

TEST(Hypercorn0132, CleanClose1000IsReportedAs1006) {
  Ran r = RunTape(
      "server=hypercorn-0.13.2,app=ws-close-on-disconnect,client=ws-close-"
      "1000");
  bool found = false;
  for (const ReceiveRecord& rec : r.outcome.receives) {
    if (rec.message.type == MessageType::kWsDisconnect) {
      EXPECT_EQ(rec.message.code, 1006);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(r.Violates("close-code", "1006-for-1000"));
}

TEST(Hypercorn0132,
     SecondCloseLeaksLocalProtocolErrorAndSendAfterOwnCloseIsUnexpected) {
  Ran r = RunTape(
      "server=hypercorn-0.13.2,app=ws-close-then-send,client=ws-normal");
  ASSERT_EQ(r.outcome.sends.size(), 4u);
  EXPECT_STREQ(r.outcome.sends[2].error.type, "UnexpectedMessageError");
  EXPECT_STREQ(r.outcome.sends[3].error.type, "LocalProtocolError");
  EXPECT_TRUE(
      absl::StrContains(r.outcome.sends[3].error.message, "LOCAL_CLOSING"));
}

TEST(Daphne400, AppIsCancelled10To11SecondsAfterTheDisconnectWithAWarning) {
  Ran r = RunTape(
      "server=daphne-4.0.0,app=sse-stream,client=http-fin-after-1,linger=30s");
  ASSERT_EQ(r.outcome.app_end, AppEnd::kCancelled);
  EXPECT_TRUE(r.outcome.cancelled_by_watchdog);
  const sim::Duration after = r.outcome.app_end_time - r.outcome.server_noticed;
  EXPECT_GE(after, sim::Seconds(10));
  EXPECT_LE(after, sim::Seconds(11));
  bool warned = false;
  for (const LogLine& l : r.outcome.logs) {
    if (l.level == LogLevel::kWarning &&
        absl::StrContains(l.text, "took too long to shut down")) {
      warned = l.time == r.outcome.app_end_time;
    }
  }
  EXPECT_TRUE(warned);
}

TEST(Daphne400, PostResponseWorkIsKilledToo) {
  Ran r =
      RunTape("server=daphne-4.0.0,app=cleanup-background,client=http-full");
  EXPECT_TRUE(r.Violates("background-work", "killed-by-watchdog"));
}

// The faithfulness test: autobahn's Disconnected leaks only in interleavings
// where the app sends between the close frame and onClose.
TEST(Daphne400, DisconnectedLeaksInSomeInterleavingsAndNotInOthers) {
  int leaked = 0, silent = 0;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Ran r = RunSeed(
        "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-1000", seed);
    const SendRecord* s = r.FirstRaise();
    if (s != nullptr) {
      EXPECT_STREQ(s->error.type, "Disconnected");
      EXPECT_TRUE(s->error.IsA("RuntimeError"));
      EXPECT_FALSE(s->error.IsA("OSError"));
      ++leaked;
    } else {
      EXPECT_GT(r.outcome.SendsOkAfterClientClose(),
                0);  // silent no-ops instead
      ++silent;
    }
  }
  EXPECT_GT(leaked, 0);
  EXPECT_GT(silent, 0);
  // No such window after a FIN or an RST.
  for (uint64_t seed = 0; seed < 32; ++seed) {
    EXPECT_EQ(
        RunSeed("server=daphne-4.0.0,app=ws-tight-push,client=ws-fin", seed)
            .FirstRaise(),
        nullptr);
  }
}

TEST(Daphne400, CloseThenSendRaisesDisconnectedUntilThePeerReplies) {
  Ran r =
      RunTape("server=daphne-4.0.0,app=ws-close-then-send,client=ws-normal");
  ASSERT_EQ(r.outcome.sends.size(), 4u);
  EXPECT_FALSE(r.outcome.sends[1].raised);
  EXPECT_STREQ(r.outcome.sends[2].error.type, "Disconnected");
  EXPECT_FALSE(r.outcome.sends[3].raised);
}

TEST(ReferenceServers, DifferOnlyInTheStrategy) {
  const ServerPolicy& noop = FindPreset("ref-noop")->policy;
  for (const char* name :
       {"ref-raise", "ref-raise-and-catch", "ref-result", "ref-future"}) {
    const Preset* p = FindPreset(name);
    ASSERT_NE(p, nullptr);
    std::set<std::string> differing;
    for (const PolicyField& f : PolicyFields()) {
      if (f.get(p->policy) != f.get(noop)) differing.insert(f.name);
    }
    differing.erase("spec-version");
    differing.erase("ws-spec-version");
    differing.erase("own-exception");
    EXPECT_EQ(differing, (std::set<std::string>{"send-after-close"})) << name;
  }
}

TEST(Presets, EveryApplicableFieldHasASource) {
  for (const Preset& p : Presets()) {
    for (const PolicyField& f : PolicyFields()) {
      const std::string name = f.name;
      if (!f.AppliesTo(p.http, p.websocket)) continue;
      EXPECT_FALSE(p.Source(name).empty())
          << p.name << " has no source for " << name;
    }
  }
}

TEST(Presets, DocsPresetsMdIsGeneratedFromTheDefinitions) {
  std::ifstream in(std::string(HANGUP_SOURCE_DIR) + "/docs/presets.md");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), PresetsMarkdown())
      << "docs/presets.md is stale: run build/gcc/cli/hangup list "
         "presets-markdown > docs/presets.md";
}

// --- Server mechanisms: the server's own raises, log lines and timers ---

bool AnyLogFrom(const Outcome& o, absl::string_view logger_prefix) {
  for (const LogLine& l : o.logs) {
    if (absl::StartsWith(l.logger, logger_prefix)) return true;
  }
  return false;
}

TEST(ServerVocabulary, KillAfterOnHypercornLogsHypercornsLineNotDaphnes) {
  Ran r = RunTape(
      "server=hypercorn-0.18.0,app=sse-stream,client=http-fin-after-1,"
      "kill-after=1s,linger=30s");
  ASSERT_EQ(r.outcome.app_end, AppEnd::kCancelled);
  EXPECT_TRUE(r.outcome.cancelled_by_watchdog);
  EXPECT_FALSE(AnyLogFrom(r.outcome, "daphne"));
  ASSERT_FALSE(r.outcome.logs.empty());
  EXPECT_EQ(r.outcome.logs.back().logger, "hypercorn.error");
  EXPECT_EQ(r.outcome.logs.back().level, LogLevel::kWarning);
}

TEST(ServerVocabulary, RaiseRuntimeErrorOnUvicornRaisesUvloopsNotGraniansText) {
  Ran r = RunTape(
      "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1,"
      "send-after-close=raise-runtime-error");
  const SendRecord* s = r.FirstRaise();
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->error.type, "RuntimeError");
  EXPECT_FALSE(absl::StrContains(s->error.message, "ASGI flow error"));
  EXPECT_TRUE(absl::StrContains(s->error.message, "TCPTransport closed=True"));
  Ran g = RunTape(
      "server=granian-2.8,app=sse-stream,client=http-fin-after-1,"
      "send-after-close=raise-runtime-error");
  ASSERT_NE(g.FirstRaise(), nullptr);
  EXPECT_EQ(g.FirstRaise()->error.message,
            "ASGI flow error: Transport not initialized or closed");
}

TEST(ServerVocabulary, ADefinedSendErrorHasItsMroAndIsTheServersOwn) {
  // ref-raise (silent-exact) recognises its own class escaping the app.
  Ran r = RunTape(
      "server=ref-raise,app=sse-stream,client=http-fin-after-1,"
      "send-error=Gone(OSError): the client went away");
  const SendRecord* s = r.FirstRaise();
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->error.type, "Gone");
  EXPECT_EQ(py::MroString(s->error.mro),
            "Gone > OSError > Exception > BaseException");
  EXPECT_EQ(s->error.message, "the client went away");
  EXPECT_EQ(r.outcome.app_end, AppEnd::kRaised);
  EXPECT_FALSE(r.outcome.LoggedAtLeast(LogLevel::kError));
  ServerPolicy p = FindPreset("ref-raise")->policy;
  EXPECT_FALSE(SetPolicyField(p, "send-error", "RuntimeError").ok());
  EXPECT_FALSE(SetPolicyField(p, "send-error", "Gone(NoSuchBase)").ok());
  EXPECT_FALSE(SetPolicyField(p, "kill-log", "LOUD x: y").ok());
}

TEST(ServerVocabulary, NoPresetLogsOrRaisesInAnotherServersWords) {
  const std::vector<std::pair<const char*, const char*>> families = {
      {"uvicorn", "uvicorn"},
      {"hypercorn", "hypercorn"},
      {"daphne", "daphne"},
      {"granian", "_granian"},
      {"ref", "server"}};
  for (const Preset& p : Presets()) {
    for (const auto& [prefix, logger] : families) {
      if (!absl::StartsWith(p.name, prefix)) continue;
      for (const LogSpec* line :
           {&p.policy.kill_log, &p.policy.timeout_log,
            &p.policy.dropped_send_log, &p.policy.incomplete_response_log}) {
        EXPECT_TRUE(absl::StartsWith(line->logger, logger))
            << p.name << ": " << line->ToString();
      }
      const bool granian = absl::StartsWith(p.name, "granian");
      EXPECT_EQ(granian, absl::StrContains(p.policy.send_runtime_error.text,
                                           "ASGI flow error"))
          << p.name;
    }
  }
}

TEST(CancelOnReset, TheAppSeesACancellationAtItsNextAwaitAfterAnRst) {
  const std::string spec =
      "server=ref-noop,app=sse-idle,client=http-rst-after-1";
  Ran off = RunTape(spec);
  EXPECT_NE(off.outcome.app_end, AppEnd::kCancelled);
  EXPECT_TRUE(off.Violates("zombie"));
  Ran on = RunTape(spec + ",cancel-on-reset=yes");
  ASSERT_EQ(on.outcome.app_end, AppEnd::kCancelled);
  EXPECT_EQ(on.outcome.app_end_time, on.outcome.server_noticed);
  EXPECT_FALSE(on.outcome.cancelled_by_watchdog);
  // A clean FIN is not a reset.
  Ran fin = RunTape(
      "server=ref-noop,app=sse-idle,client=http-fin-after-1,"
      "cancel-on-reset=yes");
  EXPECT_NE(fin.outcome.app_end, AppEnd::kCancelled);
}

int TimeoutLines(const Outcome& o) {
  int n = 0;
  for (const LogLine& l : o.logs) {
    n += l.logger == "daphne.http_protocol" &&
         l.text == "Application timed out while sending response";
  }
  return n;
}

TEST(RequestTimeout, DaphneLogsOnEveryTickOfItsTimerUntilFinishRaises) {
  // Phase 0 (the empty tape): timeout_checker ticks at 2 s, 4 s, ... The
  // request (0 s) is older than 3 s at 4 s: log, finish() (the client gets a
  // complete response and closes); at 6 s the request is logged again, and
  // finish() on the lost connection raises, which ends the checker.
  Ran r = RunTape(
      "server=daphne-4.0.0,app=sse-idle,client=http-slow-reader,"
      "request-timeout=3s");
  EXPECT_EQ(TimeoutLines(r.outcome), 2);
  ASSERT_GE(r.outcome.logs.size(), 2u);
  EXPECT_EQ(r.outcome.logs[0].time, sim::Time() + sim::Seconds(4));
  EXPECT_EQ(r.outcome.logs[1].time, sim::Time() + sim::Seconds(6));
  EXPECT_TRUE(r.outcome.client.got_final_body);
  // With a 1 s timer, the same lines come at 4 s and 5 s.
  Ran fast = RunTape(
      "server=daphne-4.0.0,app=sse-idle,client=http-slow-reader,"
      "request-timeout=3s,timeout-check-interval=1s");
  EXPECT_EQ(TimeoutLines(fast.outcome), 2);
  EXPECT_EQ(fast.outcome.logs[1].time, sim::Time() + sim::Seconds(5));
  // Off by default.
  Ran off = RunTape("server=daphne-4.0.0,app=sse-idle,client=http-slow-reader");
  EXPECT_EQ(TimeoutLines(off.outcome), 0);
}

TEST(Daphne400, KillTimeDependsOnTheServersCheckerPhaseFromTheTape) {
  std::set<int64_t> kills_ms;
  for (uint8_t phase = 0; phase < 10; ++phase) {
    Ran r = RunTape(
        "server=daphne-4.0.0,app=sse-stream,client=http-fin-after-1,"
        "linger=30s",
        {phase});
    ASSERT_EQ(r.outcome.app_end, AppEnd::kCancelled);
    const sim::Duration after =
        r.outcome.app_end_time - r.outcome.server_noticed;
    EXPECT_GT(after, sim::Seconds(10));
    EXPECT_LE(after, sim::Seconds(11));
    kills_ms.insert(after.nanos() / 1000'000);
  }
  EXPECT_GE(kills_ms.size(), 9u);
  EXPECT_LT(*kills_ms.begin(), 10'200);  // 10.0 s + the first phase step
}

// An app whose receive() is cancelled in the instant the request body
// arrives: a reader task awaits receive(); the parent wakes when the body
// lands and cancels the reader, then receives again.
class CancelledReceiveApp : public App {
 public:
  explicit CancelledReceiveApp(sim::Executor& ex) : ex_(ex) {}
  sim::Task<void> Call(const Scope&, Channel& ch) override {
    auto reader = ex_.Spawn(Read(&ch, &reader_got_), "reader");
    co_await sim::Sleep(sim::Millis(1));  // the body arrives at 1.05 ms
    reader.Cancel();
    try {
      co_await reader;
    } catch (const sim::Cancelled&) {
    }
    parent_got_ = (co_await ch.Receive()).type;
  }
  static sim::Task<void> Read(Channel* ch, MessageType* got) {
    *got = (co_await ch->Receive()).type;
  }
  bool BodyLost() const {
    return reader_got_ != MessageType::kHttpRequest &&
           parent_got_ != MessageType::kHttpRequest;
  }

 private:
  sim::Executor& ex_;
  MessageType reader_got_ = MessageType::kBogus;
  MessageType parent_got_ = MessageType::kBogus;
};

sim::Task<void> SendRequestThenClose(sim::Endpoint* client) {
  client->Write(120, wire::Encode({wire::Frame::kReqHead, -1, 0, false}));
  co_await sim::Sleep(sim::Millis(1));
  client->Write(64, wire::Encode({wire::Frame::kReqBody, -1, 0, true}));
  co_await sim::Sleep(sim::Millis(5));
  client->Close();
}

// Runs the app on `seed`; whether the body was lost.
bool BodyLostOnSeed(const ServerPolicy& policy, uint64_t seed) {
  sim::RandomWalkSource random(seed);
  // The executor goes first, with the task frames still waiting on the
  // server's queues (as sim::RunProgram ends a run before Finish).
  auto ex = std::make_unique<sim::Executor>(random);
  sim::Connection connection(*ex, sim::ConnectionOptions{});
  Outcome outcome;
  CancelledReceiveApp app(*ex);
  Server server(*ex, connection.server(), policy, app, outcome,
                Protocol::kHttp);
  server.Start();
  ex->Spawn(SendRequestThenClose(&connection.client()), "client");
  ex->Run();
  const bool lost = app.BodyLost();
  ex.reset();
  return lost;
}

TEST(ReceiveCancel, AResolvedReceiveCancelledLosesTheMessageOnlyWhenLost) {
  for (const char* preset : {"daphne-4.0.0", "hypercorn-0.13.2"}) {
    ServerPolicy requeue = FindPreset(preset)->policy;
    ServerPolicy lost = requeue;
    ASSERT_TRUE(SetPolicyField(lost, "receive-cancel", "lost").ok());
    int lost_runs = 0;
    for (uint64_t seed = 0; seed < 64; ++seed) {
      EXPECT_FALSE(BodyLostOnSeed(requeue, seed)) << preset << " " << seed;
      lost_runs += BodyLostOnSeed(lost, seed);
    }
    EXPECT_GT(lost_runs, 0) << preset;
    EXPECT_LT(lost_runs, 64) << preset;
  }
}

}  // namespace
}  // namespace models
