#include "sim/swarm_source.h"

#include "sim/prng.h"

namespace sim {

uint32_t SwarmSource::MaskFromSeed(uint64_t seed) {
  Prng prng(seed ^ 0x5a4d5a4d5a4d5a4dULL);
  uint32_t mask = 1u << static_cast<int>(ChoiceKind::kSchedule);
  for (int k = 0; k < kNumChoiceKinds; ++k) {
    if (k == static_cast<int>(ChoiceKind::kSchedule)) continue;
    if (prng.Chance(Ratio{1, 2})) mask |= 1u << k;
  }
  return mask;
}

}  // namespace sim
