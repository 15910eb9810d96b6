// Properties: each catches what it claims, and stays quiet where it should.
#include "models/properties.h"

#include "gtest/gtest.h"
#include "tests/models/test_util.h"

namespace models {
namespace {

using testing::RunSeed;
using testing::RunTape;

TEST(Properties, NamesAreUniqueAndValidated) {
  std::set<std::string> names;
  for (const PropertyInfo& p : Properties())
    EXPECT_TRUE(names.insert(p.name).second);
  EXPECT_TRUE(ValidatePropertyNames({"zombie", "error-log"}).ok());
  EXPECT_FALSE(ValidatePropertyNames({"zombies"}).ok());
}

TEST(Properties, PhantomDeliveryCatchesSendResultButNotTheFuture) {
  bool result_caught = false;
  for (uint64_t seed = 0; seed < 100 && !result_caught; ++seed) {
    result_caught =
        RunSeed(
            "server=ref-result,app=check-results,client=http-close-at-random",
            seed)
            .Violates("phantom-delivery", "result");
  }
  EXPECT_TRUE(result_caught);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    auto r = RunSeed(
        "server=ref-future,app=check-results,client=http-close-at-random",
        seed);
    ASSERT_FALSE(r.Violates("phantom-delivery")) << seed;
    ASSERT_FALSE(r.Violates("zombie"))
        << seed;  // futures resolve on connection loss
  }
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
  bool logged = false;
  for (uint64_t seed = 0; seed < 200 && !logged; ++seed) {
    logged =
        RunSeed(
            "server=ref-raise,app=stream-taskgroup,client=http-close-at-random",
            seed)
            .Violates("error-log");
  }
  EXPECT_TRUE(logged);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ASSERT_FALSE(RunSeed("server=ref-raise-and-catch,app=stream-taskgroup,"
                         "client=http-close-at-random",
                         seed)
                     .Violates("error-log"))
        << seed;
  }
}

TEST(Properties, LogVolumeCatchesGraniansPerChunkInfoLines) {
  auto r = RunTape("server=granian-2.8,app=sse-stream,client=http-fin-after-1");
  EXPECT_TRUE(r.Violates("log-volume"));
  EXPECT_FALSE(
      RunTape(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1")
          .Violates("log-volume"));
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
  Outcome o;
  std::vector<Violation> v = ReplayViolations(
      testing::Spec(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1"),
      {}, tight, nullptr, &o);
  bool zombie = false;
  for (const Violation& x : v) zombie |= x.property == "zombie";
  EXPECT_TRUE(zombie);  // the stream runs 200 ms after the close
  EXPECT_FALSE(
      RunTape(
          "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1")
          .Violates("zombie"));
}

}  // namespace
}  // namespace models
