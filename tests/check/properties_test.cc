// Properties: each catches what it claims, and stays quiet where it should.
#include "check/properties.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/test_util.h"

namespace check {
namespace {

using models::testing::AnySeedViolates;
using models::testing::RunSeed;
using models::testing::RunTape;

TEST(Properties, NamesAreUniqueAndValidated) {
  std::set<std::string> names;
  for (const PropertyInfo& p : Properties())
    EXPECT_TRUE(names.insert(p.name).second);
  EXPECT_TRUE(PropertySet::FromNames({"zombie", "error-log"}).ok());
  EXPECT_FALSE(PropertySet::FromNames({"zombies"}).ok());
}

TEST(Properties, PhantomDeliveryCatchesSendResultButNotTheFuture) {
  EXPECT_TRUE(AnySeedViolates(
      "server=ref-result,app=check-results,client=http-close-at-random",
      "phantom-delivery", "result", 100));
  for (uint64_t seed = 0; seed < 100; ++seed) {
    auto r = RunSeed(
        "server=ref-future,app=check-results,client=http-close-at-random",
        seed);
    ASSERT_FALSE(r.Violates("phantom-delivery")) << seed;
    ASSERT_FALSE(r.Violates("zombie"))
        << seed;  // futures resolve on connection loss
  }
}

TEST(Properties, PhantomDeliveryNamesTheFrameTheClientNeverRead) {
  // The client reads the accept and one frame, then stalls and resets: the
  // claim that fails is the second frame's, not the accept's.
  const std::string stalled = ",app=ws-bulk-push,client=ws-stall-then-rst";
  auto r = RunTape("server=ref-result" + stalled);
  ASSERT_TRUE(r.Violates("phantom-delivery", "result"));
  for (const Violation& v : r.violations) {
    if (v.property != "phantom-delivery") continue;
    EXPECT_NE(v.detail.find("websocket.send seq=1"), std::string::npos)
        << v.detail;
  }
  // A future resolves only when the client consumes the frame, the accept
  // included.
  auto f = RunTape("server=ref-future" + stalled);
  EXPECT_FALSE(f.Violates("phantom-delivery"));
  ASSERT_FALSE(f.outcome.sends.empty());
  EXPECT_TRUE(f.outcome.sends[0].future_resolved);
  EXPECT_TRUE(f.outcome.sends[0].claimed_delivered);
}

TEST(Properties, SpecVersionCatchesARaisingServerThatAdvertises23) {
  auto r =
      RunTape("server=uvicorn-0.28.0,app=catch-all,client=http-fin-after-1");
  EXPECT_TRUE(r.Violates("spec-version", "ClientDisconnected"));
  auto ok = RunTape("server=ref-raise,app=catch-all,client=http-fin-after-1");
  EXPECT_FALSE(ok.Violates("spec-version"));
}

TEST(Properties, ErrorLogIgnoresTheServersOwnExceptionOnlyWhenRecognised) {
  // ref-raise catches its exception only when it escapes as itself.
  EXPECT_TRUE(AnySeedViolates(
      "server=ref-raise,app=stream-taskgroup,client=http-close-at-random",
      "error-log", "", 200));
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ASSERT_FALSE(RunSeed("server=ref-raise-and-catch,app=stream-taskgroup,"
                         "client=http-close-at-random",
                         seed)
                     .Violates("error-log"))
        << seed;
  }
}

TEST(Properties, ErrorLogKeepsStarlettesRuntimeErrorApartFromUvloops) {
  // encode/uvicorn on uvloop under BaseHTTPMiddleware: a send on the closed
  // transport raises uvloop's RuntimeError; an app that gave up before its
  // start makes call_next raise RuntimeError("No response returned."). Two
  // causes, two findings, even though both are RuntimeErrors.
  const std::string spec =
      "server=uvicorn-0.17.6-h11,mw=base-http,app=stream-taskgroup,"
      "client=http-close-at-random";
  std::set<std::string> signatures;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    for (const Violation& v : RunSeed(spec, seed).violations) {
      if (v.property == "error-log") signatures.insert(v.signature);
    }
  }
  EXPECT_TRUE(signatures.count("RuntimeError: No response returned."))
      << ::testing::PrintToString(signatures);
  EXPECT_TRUE(signatures.count(
      "RuntimeError: unable to perform operation on <TCPTransport "
      "closed=True reading=False>; the handler is closed"))
      << ::testing::PrintToString(signatures);
}

TEST(Properties, LogVolumeCatchesGraniansPerChunkInfoLines) {
  auto r = RunTape("server=granian-2.8,app=sse-stream,client=http-fin-after-1");
  EXPECT_TRUE(r.Violates("log-volume"));
  EXPECT_FALSE(
      RunTape(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1")
          .Violates("log-volume"));
}

// An outcome with a normal close at 1s and these log lines after it.
models::Outcome ClosedWithLogs(std::vector<models::LogLevel> levels) {
  models::Outcome o;
  o.client_closed = sim::Time() + sim::Seconds(1);
  o.end_time = sim::Time() + sim::Seconds(2);
  o.app_end = models::AppEnd::kReturned;
  o.app_end_time = o.end_time;
  for (size_t i = 0; i < levels.size(); ++i) {
    o.logs.push_back({o.client_closed + sim::Millis(static_cast<int64_t>(i)),
                      levels[i], "server", "line"});
  }
  return o;
}

// log-volume counts every line after the close, whether or not error-log
// is checked and reports the first ERROR among them.
TEST(Properties, LogVolumeCountsLinesAfterAnErrorToo) {
  using models::LogLevel;
  const models::Outcome o =
      ClosedWithLogs({LogLevel::kError, LogLevel::kInfo, LogLevel::kInfo,
                      LogLevel::kInfo, LogLevel::kInfo, LogLevel::kInfo});
  const sim::RunResult done{.verdict = sim::RunVerdict::kCompleted};
  const std::vector<Violation> all = CheckProperties(o, done, {});
  EXPECT_TRUE(HasViolation(all, "error-log"));
  EXPECT_TRUE(HasViolation(all, "log-volume", "flood"));
  PropertyOptions only_volume;
  only_volume.only = *PropertySet::FromNames({"log-volume"});
  EXPECT_EQ(CheckProperties(o, done, only_volume).size(), 1u);
  const models::Outcome five =
      ClosedWithLogs({LogLevel::kInfo, LogLevel::kInfo, LogLevel::kInfo,
                      LogLevel::kInfo, LogLevel::kDebug, LogLevel::kInfo});
  EXPECT_FALSE(HasViolation(CheckProperties(five, done, {}), "log-volume"))
      << "5 lines at INFO or above is the bound, DEBUG does not count";
}

TEST(Properties, ZombieAndCleanup) {
  auto idle =
      RunTape("server=granian-2.8,app=sse-idle,client=http-fin-after-1");
  EXPECT_TRUE(idle.Violates("zombie", "running"));
  // daphne kills the idle generator: its cleanup runs exactly once.
  auto killed =
      RunTape("server=daphne-4.0.0,app=sse-idle,client=http-fin-after-1");
  EXPECT_FALSE(killed.Violates("zombie"));
  EXPECT_EQ(killed.outcome.cleanups, 1);
  EXPECT_FALSE(killed.Violates("cleanup-once"));
}

TEST(Properties, APassThroughMiddlewareIsTransparentAndBaseHttpIsNot) {
  EXPECT_FALSE(RunTape("server=uvicorn-0.17.6-h11,mw=passthrough,app=stream-"
                       "with-listener,client=http-fin-after-1")
                   .Violates("middleware-transparency"));
  EXPECT_TRUE(
      RunTape("server=uvicorn-0.17.6-h11,mw=base-http,app=disconnect-poller,"
              "client=http-fin-before-response")
          .Violates("middleware-transparency", "disconnect-observability"));
}

TEST(Properties, BoundsAreOptions) {
  PropertyOptions tight;
  tight.app_end_bound = sim::Millis(100);
  EXPECT_TRUE(
      RunTape(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1",
          {}, tight)
          .Violates("zombie"));  // the stream runs 200 ms after the close
  EXPECT_FALSE(
      RunTape(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1")
          .Violates("zombie"));
}

}  // namespace
}  // namespace check
