// SwarmSource: a kind that is off gets option 0 without a draw from the
// wrapped source; a kind that is on is forwarded; MaskFromSeed keeps
// scheduling on and is a function of the seed.
#include "sim/swarm_source.h"

#include <cstdint>
#include <iterator>
#include <ostream>
#include <vector>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "sim/choice.h"

namespace sim {
namespace {

// Records every call it gets and answers with a fixed non-zero value, so that
// a forwarded answer is told apart from SwarmSource's own 0.
class RecordingFake : public ChoiceSource {
 public:
  struct Call {
    ChoiceKind kind;
    uint32_t n;
    bool task;  // ChooseTask rather than Choose
    bool operator==(const Call&) const = default;
    friend void PrintTo(const Call& c, std::ostream* os) {
      *os << (c.task ? "ChooseTask(" : "Choose(") << ChoiceKindName(c.kind)
          << ", " << c.n << ")";
    }
  };

  explicit RecordingFake(uint32_t answer) : answer_(answer) {}

  uint32_t Choose(ChoiceKind kind, uint32_t n) override {
    calls.push_back({kind, n, false});
    return answer_;
  }
  uint32_t ChooseTask(ChoiceKind kind,
                      absl::Span<const TaskId> options) override {
    calls.push_back({kind, static_cast<uint32_t>(options.size()), true});
    return answer_;
  }
  bool wants_task_ids() const override { return true; }

  std::vector<Call> calls;

 private:
  uint32_t answer_;
};

uint32_t Bit(ChoiceKind kind) { return 1u << static_cast<int>(kind); }

constexpr ChoiceKind kAllKinds[] = {ChoiceKind::kScheduleKeep,
                                    ChoiceKind::kSchedule, ChoiceKind::kDelay,
                                    ChoiceKind::kFault, ChoiceKind::kPick};
static_assert(std::size(kAllKinds) == kNumChoiceKinds);

TEST(SwarmSource, OffKindGetsZeroWithoutADraw) {
  for (ChoiceKind off : kAllKinds) {
    RecordingFake fake(2);
    const uint32_t all = (1u << kNumChoiceKinds) - 1;
    SwarmSource swarm(fake, all & ~Bit(off));
    EXPECT_EQ(swarm.Choose(off, 5), 0u) << ChoiceKindName(off);
    EXPECT_TRUE(fake.calls.empty()) << ChoiceKindName(off);
  }
}

TEST(SwarmSource, OnKindForwardsTheCallAndItsValue) {
  for (ChoiceKind on : kAllKinds) {
    RecordingFake fake(3);
    SwarmSource swarm(fake, Bit(on));
    EXPECT_EQ(swarm.Choose(on, 7), 3u) << ChoiceKindName(on);
    const std::vector<RecordingFake::Call> want = {{on, 7, false}};
    EXPECT_EQ(fake.calls, want) << ChoiceKindName(on);
  }
}

TEST(SwarmSource, MixedMaskDrawsOnlyForTheKindsThatAreOn) {
  RecordingFake fake(1);
  SwarmSource swarm(fake, Bit(ChoiceKind::kSchedule) | Bit(ChoiceKind::kFault));
  EXPECT_EQ(swarm.Choose(ChoiceKind::kDelay, 4), 0u);
  EXPECT_EQ(swarm.Choose(ChoiceKind::kFault, 3), 1u);
  EXPECT_EQ(swarm.Choose(ChoiceKind::kPick, 2), 0u);
  EXPECT_EQ(swarm.Choose(ChoiceKind::kSchedule, 6), 1u);
  EXPECT_EQ(swarm.Choose(ChoiceKind::kScheduleKeep, 2), 0u);
  const std::vector<RecordingFake::Call> want = {
      {ChoiceKind::kFault, 3, false}, {ChoiceKind::kSchedule, 6, false}};
  EXPECT_EQ(fake.calls, want);
}

TEST(SwarmSource, ChooseTaskOffKindGetsZeroWithoutADraw) {
  const TaskId ids[] = {4, 9, 2};
  for (ChoiceKind off : {ChoiceKind::kScheduleKeep, ChoiceKind::kSchedule}) {
    RecordingFake fake(2);
    const uint32_t all = (1u << kNumChoiceKinds) - 1;
    SwarmSource swarm(fake, all & ~Bit(off));
    EXPECT_EQ(swarm.ChooseTask(off, ids), 0u) << ChoiceKindName(off);
    EXPECT_TRUE(fake.calls.empty()) << ChoiceKindName(off);
  }
}

TEST(SwarmSource, ChooseTaskOnKindForwardsTheCallAndItsValue) {
  const TaskId ids[] = {4, 9, 2};
  for (ChoiceKind on : {ChoiceKind::kScheduleKeep, ChoiceKind::kSchedule}) {
    RecordingFake fake(2);
    SwarmSource swarm(fake, Bit(on));
    EXPECT_EQ(swarm.ChooseTask(on, ids), 2u) << ChoiceKindName(on);
    // Forwarded as ChooseTask (with the ids), not degraded to Choose.
    const std::vector<RecordingFake::Call> want = {{on, 3, true}};
    EXPECT_EQ(fake.calls, want) << ChoiceKindName(on);
  }
}

TEST(SwarmSource, ForwardsWantsTaskIds) {
  RecordingFake fake(0);
  SwarmSource swarm(fake, 0);
  EXPECT_TRUE(swarm.wants_task_ids());
}

TEST(SwarmSource, MaskFromSeedAlwaysKeepsScheduleOn) {
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    EXPECT_NE(SwarmSource::MaskFromSeed(seed) & Bit(ChoiceKind::kSchedule), 0u)
        << "seed " << seed;
  }
}

TEST(SwarmSource, MaskFromSeedSetsOnlyKnownKinds) {
  const uint32_t all = (1u << kNumChoiceKinds) - 1;
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    EXPECT_EQ(SwarmSource::MaskFromSeed(seed) & ~all, 0u) << "seed " << seed;
  }
}

TEST(SwarmSource, MaskFromSeedIsDeterministicForASeed) {
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    EXPECT_EQ(SwarmSource::MaskFromSeed(seed), SwarmSource::MaskFromSeed(seed))
        << "seed " << seed;
  }
}

// Each other kind is on with probability 1/2, so over many seeds every kind is
// both on and off at least once, and every mask with kSchedule set shows up
// (16 of them); a mask that ignored the seed would fail this.
TEST(SwarmSource, MaskFromSeedVariesWithTheSeed) {
  std::vector<int> on_count(kNumChoiceKinds, 0);
  std::vector<bool> seen(1u << kNumChoiceKinds, false);
  constexpr int kSeeds = 4000;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    const uint32_t mask = SwarmSource::MaskFromSeed(seed);
    seen[mask] = true;
    for (int k = 0; k < kNumChoiceKinds; ++k) on_count[k] += (mask >> k) & 1;
  }
  for (ChoiceKind kind : kAllKinds) {
    const int k = static_cast<int>(kind);
    if (kind == ChoiceKind::kSchedule) {
      EXPECT_EQ(on_count[k], kSeeds);
      continue;
    }
    // 1/2 +- 10%: far outside chance for 4000 fair draws.
    EXPECT_GT(on_count[k], kSeeds * 4 / 10) << ChoiceKindName(kind);
    EXPECT_LT(on_count[k], kSeeds * 6 / 10) << ChoiceKindName(kind);
  }
  int masks = 0;
  for (bool s : seen) masks += s;
  EXPECT_EQ(masks, 1 << (kNumChoiceKinds - 1));
}

}  // namespace
}  // namespace sim
