// Strategies, replay and the canary: the testbed must find a depth-2 ordering
// bug with PCT within a stated number of runs and with DFS, and the failing
// tape must replay it bit for bit.
#include <vector>

#include "gtest/gtest.h"
#include "sim/dfs_source.h"
#include "sim/explore.h"
#include "sim/program.h"
#include "sim/random_source.h"
#include "sim/strategy.h"
#include "sim/tape_source.h"
#include "sim/testing/canary.h"

namespace sim {
namespace {

TEST(Canary, SimplestScheduleDoesNotFail) {
  sim::testing::CanaryProgram canary;
  RunReport r = ReplayTape(canary, {}, {});
  EXPECT_FALSE(r.failed());
}

// PCT's guarantee for depth d = 2: p >= 1 / (n * k) per run with n = 2 tasks
// and k ~ 20 scheduling points, so 1/40; 100 runs miss with probability
// (39/40)^100 < 8%. The seeds are fixed, so the result is deterministic; the
// bound is the stated one.
constexpr int64_t kPctRunBound = 100;

TEST(Canary, PctFindsTheDepth2BugWithinTheStatedBound) {
  sim::testing::CanaryProgram canary;
  ExploreResult r = Explore(canary, {.strategy = *ParseStrategy("pct:d=2"),
                                     .seed = 1,
                                     .max_runs = kPctRunBound});
  ASSERT_TRUE(r.failure.has_value()) << "PCT ran " << r.runs << " runs";
  RecordProperty("pct_runs_to_find", static_cast<int>(r.runs));
  EXPECT_NE(r.failure->failure.find("torn-read"), std::string::npos);
}

TEST(Canary, PctFindsItForManyExplorationSeeds) {
  sim::testing::CanaryProgram canary;
  int found = 0;
  int64_t worst = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ExploreResult r = Explore(canary, {.strategy = *ParseStrategy("pct"),
                                       .seed = seed,
                                       .max_runs = kPctRunBound});
    if (r.failure) ++found;
    worst = std::max(worst, r.runs);
  }
  EXPECT_GE(found, 18) << "worst " << worst;
}

TEST(Canary, DfsFindsTheBug) {
  sim::testing::CanaryProgram canary;
  ExploreResult r = Explore(
      canary, {.strategy = *ParseStrategy("dfs:pb=2"), .max_runs = 100000});
  ASSERT_TRUE(r.failure.has_value()) << "DFS ran " << r.runs << " runs";
}

TEST(Canary, FailingTapeReplaysTheSameVerdictAndHash) {
  sim::testing::CanaryProgram canary;
  ExploreResult r = Explore(canary, {.seed = 9, .max_runs = 10000});
  ASSERT_TRUE(r.failure.has_value());
  const RunReport& original = *r.failure;
  const std::string token = ReplayToken{canary.Name(), original.tape}.Encode();
  auto parsed = ReplayToken::Parse(token);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->program, "canary");
  RunReport again = ReplayTape(canary, parsed->tape, {});
  EXPECT_EQ(again.failure, original.failure);
  EXPECT_EQ(again.result.trace_hash, original.result.trace_hash);
  EXPECT_EQ(again.tape, original.tape);
}

TEST(ReplayToken, RejectsMalformedTokens) {
  EXPECT_FALSE(ReplayToken::Parse("nope").ok());
  EXPECT_FALSE(ReplayToken::Parse("hangup1:canary").ok());
  EXPECT_FALSE(ReplayToken::Parse("hangup1:canary:0g").ok());
  EXPECT_FALSE(ReplayToken::Parse("hangup1:canary:123").ok());
  auto ok = ReplayToken::Parse("hangup1:a:b:00ff");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->program, "a:b");
  EXPECT_EQ(ok->tape, (std::vector<uint8_t>{0, 255}));
}

TEST(TapeSource, ReadsWidthsAndFallsBackToZero) {
  std::vector<uint8_t> tape;
  AppendChoice(tape, 5, 10);
  AppendChoice(tape, 300, 1000);
  AppendChoice(tape, 70000, 100000);
  EXPECT_EQ(tape.size(), 1u + 2u + 4u);
  TapeSource source(tape);
  EXPECT_EQ(source.Choose(ChoiceKind::kPick, 10), 5u);
  EXPECT_EQ(source.Choose(ChoiceKind::kPick, 1000), 300u);
  EXPECT_EQ(source.Choose(ChoiceKind::kPick, 100000), 70000u);
  EXPECT_EQ(source.Choose(ChoiceKind::kPick, 3), 0u);
  EXPECT_EQ(source.overruns(), 1);
}

TEST(TapeSource, AnyByteIsAValidChoice) {
  std::vector<uint8_t> tape = {255, 7};
  TapeSource source(tape);
  EXPECT_EQ(source.Choose(ChoiceKind::kFault, 3), 255u % 3);
  EXPECT_EQ(source.Choose(ChoiceKind::kFault, 2), 1u);
}

TEST(TapeHex, RoundTrips) {
  std::vector<uint8_t> tape = {0, 1, 0xab, 0xff};
  EXPECT_EQ(TapeToHex(tape), "0001abff");
  EXPECT_EQ(*TapeFromHex("0001abff"), tape);
  EXPECT_FALSE(TapeFromHex("0z").ok());
}

TEST(Strategy, ParsesAndPrints) {
  EXPECT_EQ(ParseStrategy("random")->info, &DefaultStrategy());
  EXPECT_EQ(ParseStrategy("pct:d=3")->param, 3);
  EXPECT_EQ(ParseStrategy("pct")->ToString(), "pct:d=2");
  EXPECT_EQ(ParseStrategy("dfs:pb=2")->param, 2);
  EXPECT_EQ(ParseStrategy("dfs:pb=2")->ToString(), "dfs:pb=2");
  EXPECT_EQ(ParseStrategy("dfs")->ToString(), "dfs");
  EXPECT_EQ(ParseStrategy("swarm")->ToString(), "swarm");
  EXPECT_FALSE(ParseStrategy("bfs").ok());
  EXPECT_FALSE(ParseStrategy("pct:x=1").ok());
  EXPECT_FALSE(ParseStrategy("pct:d=0").ok());
  EXPECT_FALSE(ParseStrategy("pct:d=").ok());
  EXPECT_FALSE(ParseStrategy("random:d=1").ok());
  EXPECT_FALSE(ParseStrategy("dfs:pb=-1").ok());
}

TEST(Strategy, EveryRowParsesItsOwnNameAndRoundTrips) {
  for (const StrategyInfo& s : Strategies()) {
    absl::StatusOr<StrategyConfig> c = ParseStrategy(s.name);
    ASSERT_TRUE(c.ok()) << s.name << ": " << c.status();
    EXPECT_EQ(c->info, &s);
    EXPECT_EQ(ParseStrategy(c->ToString())->ToString(), c->ToString());
  }
}

// Execution k of a random, PCT or swarm strategy depends on k alone, so a
// campaign may start a chunk anywhere; DFS counts its executions in order.
TEST(Strategy, IndependentExecutionsDependOnTheirIndexOnly) {
  sim::testing::CanaryProgram canary;
  for (const char* name : {"random", "pct:d=3", "swarm"}) {
    const StrategyConfig config = *ParseStrategy(name);
    const StrategyContext context{.seed = 11, .program = &canary};
    std::unique_ptr<Strategy> in_order = config.Make(context);
    std::vector<uint8_t> fifth;
    for (uint64_t k = 0; k <= 5; ++k) {
      ASSERT_TRUE(in_order->BeginExecution(k));
      fifth = RunProgram(canary, in_order->source(), {}).tape;
    }
    std::unique_ptr<Strategy> alone = config.Make(context);
    ASSERT_TRUE(alone->BeginExecution(5));
    EXPECT_EQ(RunProgram(canary, alone->source(), {}).tape, fifth) << name;
    EXPECT_FALSE(alone->exhausted());
  }
}

TEST(Strategy, DfsStopsAtItsRunLimitAndReportsExhaustion) {
  sim::testing::CanaryProgram canary;
  std::unique_ptr<Strategy> limited =
      ParseStrategy("dfs")->Make({.max_executions = 3, .program = &canary});
  int runs = 0;
  for (uint64_t k = 0; limited->BeginExecution(k); ++k) {
    RunProgram(canary, limited->source(), {});
    ++runs;
  }
  EXPECT_EQ(runs, 3);
  EXPECT_FALSE(limited->exhausted());
  ExploreResult all = Explore(
      canary, {.strategy = *ParseStrategy("dfs:pb=0"), .max_runs = 100000});
  EXPECT_TRUE(all.exhausted);
  EXPECT_FALSE(all.failure.has_value()) << "no preemption, no torn read";
}

TEST(Pct, IsDeterministicForASeed) {
  sim::testing::CanaryProgram canary;
  PctSource a({.seed = 5, .depth = 3, .expected_steps = 20});
  PctSource b({.seed = 5, .depth = 3, .expected_steps = 20});
  RunReport ra = RunProgram(canary, a, {});
  RunReport rb = RunProgram(canary, b, {});
  EXPECT_EQ(ra.tape, rb.tape);
  EXPECT_EQ(ra.result.trace_hash, rb.result.trace_hash);
}

}  // namespace
}  // namespace sim
