// Pinned trace hashes: the same program and choices must give these hashes on
// every run, under gcc and clang (both builds run this test). A change here
// means every recorded tape and corpus file may replay differently; it must
// be deliberate and explained in the commit.
#include "gtest/gtest.h"
#include "sim/explore.h"
#include "sim/program.h"
#include "sim/random_source.h"
#include "sim/testing/canary.h"
#include "sim/trace.h"

namespace sim {
namespace {

TEST(GoldenTraceHash, CanaryUnderRandomWalkSeed7) {
  sim::testing::CanaryProgram canary;
  RandomWalkSource random(7);
  RunReport r = RunProgram(canary, random, {});
  EXPECT_EQ(HashToString(r.result.trace_hash), "0xb85a86523277d54e");
  EXPECT_EQ(r.tape.size(), 14u);  // trailing zeros trimmed
}

TEST(GoldenTraceHash, FailingCanaryUnderPct) {
  sim::testing::CanaryProgram canary;
  PctSource pct({.seed = 4, .depth = 2, .expected_steps = 20});
  RunReport r = RunProgram(canary, pct, {});
  EXPECT_EQ(HashToString(r.result.trace_hash), "0x6e03ad8236e0f3ec");
  EXPECT_TRUE(r.failed());
}

TEST(GoldenTraceHash, CanaryAllZeroTape) {
  sim::testing::CanaryProgram canary;
  RunReport r = ReplayTape(canary, {}, {});
  EXPECT_EQ(HashToString(r.result.trace_hash), "0x524c97bd68575c87");
}

}  // namespace
}  // namespace sim
