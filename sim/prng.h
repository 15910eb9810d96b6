// The simulation's own pseudo-random generator: xoshiro256** seeded by
// SplitMix64, with unbiased bounded draws and integer-ratio chances.
//
// We own the algorithm so that a seed gives the same stream under gcc and
// clang, libstdc++ and libc++ (std::*_distribution is implementation-defined).
// Every subsystem gets its own Prng, seeded from its parent with Fork().
//
//   sim::Prng prng(seed);
//   uint64_t x = prng.Below(6);                 // [0, 6)
//   if (prng.Chance(sim::Ratio{3, 100})) ...    // 3% of the time
//   sim::Prng child = prng.Fork();              // independent child stream
//
// Thread-safety: a Prng is a value; do not share one between threads.
#ifndef HANGUP_SIM_PRNG_H_
#define HANGUP_SIM_PRNG_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/types/span.h"

namespace sim {

// A probability as an exact integer ratio numerator/denominator.
// REQUIRES: denominator > 0 and numerator <= denominator.
struct Ratio {
  uint64_t numerator = 0;
  uint64_t denominator = 1;

  std::string ToString() const;  // "3/100"
  friend bool operator==(const Ratio&, const Ratio&) = default;
};

// SplitMix64 step: advances `state` and returns the next output.
uint64_t SplitMix64(uint64_t& state);

class Prng {
 public:
  explicit Prng(uint64_t seed);

  uint64_t NextU64() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n). REQUIRES: n > 0. Lemire's nearly-divisionless method.
  uint64_t Below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(NextU64()) * n;
    if (static_cast<uint64_t>(m) < n || n == 0) [[unlikely]] {
      return BelowSlow(n, m);
    }
    return static_cast<uint64_t>(m >> 64);
  }
  // Uniform in [0, max_inclusive].
  uint64_t UniformU64(uint64_t max_inclusive);
  // True with probability r.
  bool Chance(Ratio r);
  // A new generator seeded from this one's stream.
  Prng Fork() { return Prng(NextU64()); }

  // Fisher-Yates shuffle.
  template <typename T>
  void Shuffle(absl::Span<T> items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[Below(i)]);
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t BelowSlow(uint64_t n, unsigned __int128 m);

  uint64_t s_[4];
};

}  // namespace sim

#endif  // HANGUP_SIM_PRNG_H_
