#include "sim/prng.h"

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace sim {

std::string Ratio::ToString() const {
  return absl::StrCat(numerator, "/", denominator);
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Prng::Prng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = SplitMix64(state);
}

uint64_t Prng::BelowSlow(uint64_t n, unsigned __int128 m) {
  SIM_CHECK(n > 0) << "Prng::Below(0)";
  const uint64_t threshold = (0 - n) % n;
  uint64_t low = static_cast<uint64_t>(m);
  while (low < threshold) {
    m = static_cast<unsigned __int128>(NextU64()) * n;
    low = static_cast<uint64_t>(m);
  }
  return static_cast<uint64_t>(m >> 64);
}

uint64_t Prng::UniformU64(uint64_t max_inclusive) {
  if (max_inclusive == UINT64_MAX) return NextU64();
  return Below(max_inclusive + 1);
}

bool Prng::Chance(Ratio r) {
  SIM_CHECK(r.denominator > 0 && r.numerator <= r.denominator)
      << "bad ratio " << r.ToString();
  if (r.numerator == 0) return false;
  return Below(r.denominator) < r.numerator;
}

}  // namespace sim
