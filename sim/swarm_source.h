// Swarm testing (Groce et al. 2012; tigerbeetle's swarm options): each run
// also switches whole choice kinds off, so that runs explore corners where
// one kind of nondeterminism is absent (no preemption, no late notice, ...).
//
// A kind that is off always gets option 0 without a draw.
//
//   sim::RandomWalkSource random(seed);
//   sim::SwarmSource swarm(random, sim::SwarmSource::MaskFromSeed(seed));
//
// Thread-safety: one run, one thread.
#ifndef HANGUP_SIM_SWARM_SOURCE_H_
#define HANGUP_SIM_SWARM_SOURCE_H_

#include <cstdint>

#include "sim/choice.h"

namespace sim {

class SwarmSource : public ChoiceSourceWrapper {
 public:
  // Bit k set: ChoiceKind k is on.
  SwarmSource(ChoiceSource& target, uint32_t enabled_kinds)
      : ChoiceSourceWrapper(target), enabled_(enabled_kinds) {}

  // Each kind on with probability 1/2, from the seed; scheduling
  // (kSchedule) always stays on.
  static uint32_t MaskFromSeed(uint64_t seed);

  uint32_t Choose(ChoiceKind kind, uint32_t n) override {
    if (!On(kind)) return 0;
    return ChoiceSourceWrapper::Choose(kind, n);
  }
  uint32_t ChooseTask(ChoiceKind kind,
                      absl::Span<const TaskId> options) override {
    if (!On(kind)) return 0;
    return ChoiceSourceWrapper::ChooseTask(kind, options);
  }

 private:
  bool On(ChoiceKind kind) const {
    return (enabled_ >> static_cast<int>(kind)) & 1;
  }
  uint32_t enabled_;
};

}  // namespace sim

#endif  // HANGUP_SIM_SWARM_SOURCE_H_
