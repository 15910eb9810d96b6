// Scenarios: names, errors, determinism, and golden trace hashes checked by
// both the gcc and the clang build.
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "models/app/apps.h"
#include "models/app/middleware.h"
#include "models/client/client.h"
#include "models/asgi/registry.h"
#include "models/asgi/outcome.h"
#include "models/server/presets.h"
#include "sim/trace.h"
#include "tests/testing/test_util.h"

namespace models {
namespace {

using testing::RunSeed;
using testing::RunTape;

TEST(ScenarioSpec, RoundTripsAndOrdersOverrides) {
  auto s = ScenarioSpec::Parse(
      "app=sse-stream,client=http-full,send-after-close=future,server=ref-noop,"
      "mw=passthrough,"
      "spec-version=2.4");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->ToString(),
            "server=ref-noop,mw=passthrough,app=sse-stream,client=http-full,"
            "spec-version=2.4,"
            "send-after-close=future");
  EXPECT_EQ(ScenarioSpec::Parse(s->ToString())->ToString(), s->ToString());
}

TEST(ScenarioSpec, ErrorsNameWhatWasWrong) {
  EXPECT_TRUE(absl::StrContains(
      ScenarioSpec::Parse("server=x,app=y").status().message(), "client"));
  EXPECT_TRUE(absl::StrContains(
      ScenarioSpec::Parse("colour=blue").status().message(), "colour"));
  auto bad_server = Scenario::Create(
      testing::Spec("server=nope,app=sse-stream,client=http-full"));
  EXPECT_TRUE(absl::StrContains(bad_server.status().message(),
                                "unknown server 'nope'"));
  auto mismatch = Scenario::Create(
      testing::Spec("server=ref-noop,app=sse-stream,client=ws-fin"));
  EXPECT_TRUE(
      absl::StrContains(mismatch.status().message(), "speaks websocket"));
  auto http_only = Scenario::Create(
      testing::Spec("server=uvicorn-0.17.6-h11,app=ws-push,client=ws-fin"));
  EXPECT_TRUE(absl::StrContains(http_only.status().message(),
                                "does not serve websocket"));
  auto bad_value = Scenario::Create(testing::Spec(
      "server=ref-noop,app=sse-stream,client=http-full,delivery=sometimes"));
  EXPECT_TRUE(absl::StrContains(bad_value.status().message(), "repeat, once"));
}

TEST(ScenarioSpec, DurationsTakeSecondsOrMillisecondsAndZeroNeedsNoUnit) {
  EXPECT_EQ(ParseDuration("30s"), sim::Seconds(30));
  EXPECT_EQ(ParseDuration("500ms"), sim::Millis(500));
  EXPECT_EQ(ParseDuration("0"), sim::Duration());
  EXPECT_EQ(ParseDuration("none"), sim::Duration());
  for (const char* bad : {"5", "-1s", "5x", "s", "ms", "00", ""}) {
    EXPECT_EQ(ParseDuration(bad), std::nullopt) << bad;
  }
  auto linger = Scenario::Create(testing::Spec(
      "server=ref-noop,app=sse-stream,client=http-full,linger=7"));
  EXPECT_EQ(linger.status().message(),
            "scenario linger '7': expected a duration like 30s or 500ms");
  ServerPolicy p;
  EXPECT_EQ(SetPolicyField(p, "kill-after", "5x").message(),
            "policy field 'kill-after': expected a duration like 10s or 500ms "
            "(0 = none), got '5x'");
}

TEST(Catalog, LookupByNameAndTheUnknownNameMessage) {
  EXPECT_EQ(FindByName(Apps(), "sse-stream"), FindApp("sse-stream"));
  EXPECT_EQ(FindByName(Presets(), "ref-noop"), FindPreset("ref-noop"));
  EXPECT_EQ(FindByName(Clients(), "nope"), nullptr);
  EXPECT_EQ(NamesOf(Middlewares()),
            "passthrough, error-500, base-http, base-http-0.20");
  auto bad_mw = Scenario::Create(
      testing::Spec("server=ref-noop,mw=nope,app=sse-stream,client=http-full"));
  EXPECT_EQ(bad_mw.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(bad_mw.status().message(),
            "unknown middleware 'nope' (expected one of: passthrough, "
            "error-500, base-http, base-http-0.20)");
}

TEST(Catalog, EveryAppMiddlewareAndClientHasADescriptionAndAUniqueName) {
  std::set<std::string> names;
  for (const AppInfo& a : Apps()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_GT(std::string(a.description).size(), 10u);
  }
  for (const MiddlewareInfo& m : Middlewares())
    EXPECT_TRUE(names.insert(m.name).second);
  for (const ClientInfo& c : Clients())
    EXPECT_TRUE(names.insert(c.name).second);
  for (const Preset& p : Presets()) EXPECT_TRUE(names.insert(p.name).second);
}

// Every combination of a preset with every app and client of a protocol it
// serves runs to an end without a kernel check failing.
TEST(Catalog, EveryCombinationRuns) {
  int runs = 0;
  for (const Preset& p : Presets()) {
    for (const AppInfo& a : Apps()) {
      if (!p.Supports(a.protocol)) continue;
      for (const ClientInfo& c : Clients()) {
        if (c.protocol != a.protocol) continue;
        auto r = RunTape(absl::StrCat("server=", p.name, ",app=", a.name,
                                      ",client=", c.name));
        EXPECT_NE(r.report.result.verdict, sim::RunVerdict::kStepBudget)
            << p.name << " " << a.name << " " << c.name;
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 300);
}

TEST(Determinism, SameSeedGivesTheSameOutcomeAndTraceHash) {
  const char* specs[] = {
      "server=uvicorn-0.17.6-h11,app=stream-with-listener,client=http-close-at-"
      "random",
      "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-at-random",
      "server=hypercorn-0.13.2,app=ws-reader-producer,client=ws-close-at-"
      "random",
      "server=uvicorn-0.17.6-h11,mw=base-http,app=disconnect-poller,client="
      "http-close-at-random",
      "server=ref-future,app=check-results,client=http-close-at-random",
  };
  for (const char* spec : specs) {
    for (uint64_t seed = 0; seed < 40; ++seed) {
      auto a = RunSeed(spec, seed);
      auto b = RunSeed(spec, seed);
      ASSERT_EQ(a.report.result.trace_hash, b.report.result.trace_hash)
          << spec << " seed " << seed;
      ASSERT_EQ(OutcomeToJson(a.outcome), OutcomeToJson(b.outcome))
          << spec << " seed " << seed;
      // Replaying the recorded tape gives the same run.
      auto c = RunTape(spec, a.report.tape);
      ASSERT_EQ(c.report.result.trace_hash, a.report.result.trace_hash)
          << spec << " seed " << seed;
    }
  }
}

// Pinned: a change means recorded tapes replay differently; it must be
// deliberate. Both the gcc and the clang (sanitized) builds check these.
TEST(Determinism, GoldenScenarioTraceHashes) {
  EXPECT_EQ(sim::HashToString(RunTape("server=uvicorn-0.17.6-h11,app=sse-"
                                      "stream,client=http-fin-after-1")
                                  .report.result.trace_hash),
            "0x59dfeef91839d49f");
  EXPECT_EQ(
      sim::HashToString(
          RunSeed(
              "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-at-random",
              5)
              .report.result.trace_hash),
      "0x0e53174b0539c8e9");
}

}  // namespace
}  // namespace models
