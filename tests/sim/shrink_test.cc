#include "sim/shrink.h"

#include <vector>

#include "gtest/gtest.h"
#include "sim/explore.h"
#include "sim/program.h"
#include "sim/testing/canary.h"

namespace sim {
namespace {

TEST(Shrink, FindsTheMinimalTapeForASimplePredicate) {
  // Fails when some byte >= 10 exists: minimal failing tape is {10}.
  std::vector<uint8_t> tape = {3, 0, 200, 7, 99, 1};
  auto fails = [](const std::vector<uint8_t>& t) {
    for (uint8_t b : t) {
      if (b >= 10) return true;
    }
    return false;
  };
  ShrinkResult r = ShrinkTape(tape, fails, {});
  EXPECT_EQ(r.tape, (std::vector<uint8_t>{10}));
  EXPECT_GT(r.improvements, 0);
}

TEST(Shrink, RespectsTheAttemptBudget) {
  std::vector<uint8_t> tape(64, 255);
  int calls = 0;
  auto fails = [&](const std::vector<uint8_t>&) {
    ++calls;
    return false;
  };
  ShrinkResult r = ShrinkTape(tape, fails, {.max_attempts = 10});
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(r.tape, tape);
}

TEST(Shrink, ShrunkCanaryTapeStillFailsAndIsNoLonger) {
  sim::testing::CanaryProgram canary;
  ExploreResult found = Explore(canary, {.seed = 3, .max_runs = 10000});
  ASSERT_TRUE(found.failure.has_value()) << "runs " << found.runs;
  const std::vector<uint8_t>& tape = found.failure->tape;
  auto fails = [&](const std::vector<uint8_t>& t) {
    return ReplayTape(canary, t, {}).failed();
  };
  ShrinkResult r = ShrinkTape(tape, fails, {});
  EXPECT_LE(r.tape.size(), tape.size());
  EXPECT_TRUE(fails(r.tape));
}

}  // namespace
}  // namespace sim
