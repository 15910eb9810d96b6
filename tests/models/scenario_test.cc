// Scenarios: names, errors, determinism, and golden trace hashes checked by
// both the gcc and the clang build.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "check/violation.h"
#include "gtest/gtest.h"
#include "models/app/middleware.h"
#include "models/asgi/outcome.h"
#include "models/asgi/registry.h"
#include "models/client/client.h"
#include "models/lang/catalog.h"
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
  EXPECT_EQ(FindByName(lang::CatalogApps(), "sse-stream")->path,
            "catalog/apps/sse-stream.yaml");
  EXPECT_EQ(FindByName(Presets(), "ref-noop"), FindPreset("ref-noop"));
  EXPECT_EQ(FindByName(lang::CatalogClients(), "nope"), nullptr);
  EXPECT_EQ(NamesOf(lang::CatalogMiddleware()),
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
  for (const lang::ProgramInfo& a : lang::CatalogApps()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_GT(std::string(a.description).size(), 10u);
  }
  for (const lang::ProgramInfo& m : lang::CatalogMiddleware()) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name;
    EXPECT_GT(m.description.size(), 10u);
  }
  for (const lang::ProgramInfo& c : lang::CatalogClients())
    EXPECT_TRUE(names.insert(c.name).second);
  for (const Preset& p : Presets()) EXPECT_TRUE(names.insert(p.name).second);
}

// The (app, client) combinations whose run on the all-zero tape may end
// other than kCompleted, each with its verdict and why. `presets` empty means
// on every preset that serves the protocol; a non-empty `violation` is a
// property the checker must report on such a run, so that a quiescent zombie
// is allowed only as the bug it reproduces.
struct MayNotComplete {
  std::vector<absl::string_view> presets;
  std::vector<absl::string_view> apps;
  std::vector<absl::string_view> clients;
  sim::RunVerdict verdict;
  absl::string_view violation;
  absl::string_view why;

  bool Covers(absl::string_view p, absl::string_view a,
              absl::string_view c) const {
    auto in = [](const std::vector<absl::string_view>& v, absl::string_view x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    return (presets.empty() || in(presets, p)) && in(apps, a) && in(clients, c);
  }
};

const std::vector<MayNotComplete>& MayNotCompleteList() {
  using sim::RunVerdict;
  static const auto* const kList = new std::vector<MayNotComplete>{
      // Nobody closes: legitimate deadlocks of the app and the client.
      {{},
       {"sse-idle", "long-poll"},
       {"http-full", "http-fin-after-3", "http-fin-after-5", "http-slow-reader",
        "http-slow-then-rst"},
       RunVerdict::kQuiescent,
       "",
       "the app sends one chunk and waits; the client leaves only after "
       "more body"},
      {{"daphne-4.0.0"},
       {"sse-idle", "long-poll"},
       {"http-full", "http-fin-after-3", "http-fin-after-5", "http-slow-reader",
        "http-slow-then-rst"},
       RunVerdict::kTimeBudget,
       "",
       "as above; daphne's application_checker re-arms every 1 s for ever"},
      {{},
       {"ws-close-on-disconnect", "ws-reader-producer"},
       {"ws-normal"},
       RunVerdict::kQuiescent,
       "",
       "the app waits for the client's close, ws-normal for the server's"},
      {{"daphne-4.0.0"},
       {"ws-close-on-disconnect", "ws-reader-producer"},
       {"ws-normal"},
       RunVerdict::kTimeBudget,
       "",
       "as above; daphne's application_checker re-arms every 1 s for ever"},
      {{"uvicorn-0.17.6-wsproto", "uvicorn-0.51-wsproto", "daphne-4.0.0"},
       {"ws-push", "ws-tight-push", "ws-bulk-push", "ws-slow-accept",
        "ws-catch-all", "ws-receive-after-close"},
       {"ws-normal"},
       RunVerdict::kQuiescent,
       "",
       "the app returns unclosed, ws-on-app-exit=nothing sends no close frame "
       "and ws-normal waits for one"},
      // Zombies: the model reproduces a real bug, and the checker reports it.
      {{},
       {"sse-idle"},
       {"http-fin-after-1", "http-rst-after-1", "http-fin-after-request",
        "http-close-at-random", "http-fin-before-response",
        "http-fin-mid-request", "http-rst-before-response"},
       RunVerdict::kQuiescent,
       "zombie",
       "sse-idle awaits a source that never fires and never touches the "
       "channel; only daphne's watchdog (or a send that raises) ends it"},
      {{"hypercorn-0.13.2"},
       {"bulk-stream"},
       {"http-close-at-random", "http-fin-after-1", "http-fin-after-3",
        "http-fin-after-5", "http-fin-after-request",
        "http-fin-before-response"},
       RunVerdict::kQuiescent,
       "send-blocks",
       "hypercorn 0.13.2 misses a FIN until a write fails; a send paused on "
       "flow control never writes"},
      {{"hypercorn-0.13.2"},
       {"ws-bulk-push"},
       {"ws-close-at-random", "ws-fin"},
       RunVerdict::kQuiescent,
       "send-blocks",
       "hypercorn 0.13.2 misses a FIN until a write fails; a send paused on "
       "flow control never writes"},
      {{"hypercorn-0.13.2"},
       {"long-poll"},
       {"http-close-at-random", "http-fin-after-1", "http-fin-after-request",
        "http-fin-before-response"},
       RunVerdict::kQuiescent,
       "disconnect-delivery",
       "hypercorn 0.13.2 delivers no disconnect after a FIN until a write "
       "fails, and long-poll only receives"},
      {{"hypercorn-0.13.2"},
       {"ws-close-on-disconnect", "ws-reader-producer"},
       {"ws-close-at-random", "ws-fin"},
       RunVerdict::kQuiescent,
       "disconnect-delivery",
       "hypercorn 0.13.2 delivers no disconnect after a FIN until a write "
       "fails, and the app waits in receive()"},
      {{"hypercorn-0.13.2", "hypercorn-0.18.0"},
       {"long-poll"},
       {"http-fin-mid-request"},
       RunVerdict::kQuiescent,
       "disconnect-delivery",
       "the body read takes hypercorn's only http.disconnect (delivery=once); "
       "the later wait for it never returns"},
      {{"uvicorn-0.17.6-wsproto"},
       {"ws-close-on-disconnect", "ws-reader-producer"},
       {"ws-fin"},
       RunVerdict::kQuiescent,
       "disconnect-delivery",
       "uvicorn 0.17.6's wsproto glue queues no websocket.disconnect on a FIN "
       "(ws-code-fin=none)"},
      {{"uvicorn-0.17.6-wsproto", "uvicorn-0.51-wsproto"},
       {"ws-bulk-push"},
       {"ws-stall-then-rst"},
       RunVerdict::kQuiescent,
       "send-blocks",
       "uvicorn's wsproto send() waits on writable first, and the RST does "
       "not release it"},
  };
  return *kList;
}

// Every combination of a preset with every app and client of a protocol it
// serves runs to kCompleted on the all-zero tape, or is listed above and ends
// with the listed verdict (and the listed violation). Every entry above must
// still match some run, so the list cannot go stale.
TEST(Catalog, EveryCombinationRuns) {
  const std::vector<MayNotComplete>& allowed = MayNotCompleteList();
  std::vector<int> used(allowed.size(), 0);
  int runs = 0;
  int not_completed = 0;
  for (const Preset& p : Presets()) {
    for (const lang::ProgramInfo& a : lang::CatalogApps()) {
      if (!p.Supports(a.protocol)) continue;
      for (const lang::ProgramInfo& c : lang::CatalogClients()) {
        if (c.protocol != a.protocol) continue;
        const std::string spec = absl::StrCat(
            "server=", p.name, ",app=", a.name, ",client=", c.name);
        auto r = RunTape(spec);
        ++runs;
        const sim::RunVerdict verdict = r.report.result.verdict;
        if (verdict == sim::RunVerdict::kCompleted) continue;
        ++not_completed;
        bool ok = false;
        for (size_t i = 0; i < allowed.size() && !ok; ++i) {
          const MayNotComplete& e = allowed[i];
          if (!e.Covers(p.name, a.name, c.name) || e.verdict != verdict) {
            continue;
          }
          if (!e.violation.empty() && !r.Violates(e.violation)) continue;
          ok = true;
          ++used[i];
        }
        std::string found;
        for (const check::Violation& v : r.violations) {
          absl::StrAppend(&found, "\n  ", v.ToString());
        }
        EXPECT_TRUE(ok) << spec << " ended " << sim::RunVerdictName(verdict)
                        << " with " << r.report.result.unfinished_tasks
                        << " unfinished task(s); not in MayNotCompleteList"
                        << " (violations:" << (found.empty() ? " none" : found)
                        << ")";
      }
    }
  }
  for (size_t i = 0; i < allowed.size(); ++i) {
    EXPECT_GT(used[i], 0) << "stale MayNotCompleteList entry " << i << ": "
                          << allowed[i].why;
  }
  EXPECT_GT(runs, 300);
  RecordProperty("not_completed", not_completed);
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
      "0x36e8ffa1f3e72a21");
}

}  // namespace
}  // namespace models
