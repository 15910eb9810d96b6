#include "sim/shrink.h"

#include <algorithm>

namespace sim {
namespace {

class Shrinker {
 public:
  Shrinker(std::vector<uint8_t> tape,
           absl::FunctionRef<bool(const std::vector<uint8_t>&)> fails,
           const ShrinkOptions& options)
      : best_(std::move(tape)), fails_(fails), options_(options) {}

  ShrinkResult Run() {
    bool progress = true;
    while (progress && Budget()) {
      progress = false;
      progress |= TruncatePass();
      for (size_t span : {8, 4, 2, 1}) progress |= DeletePass(span);
      for (size_t span : {8, 4, 2, 1}) progress |= ZeroPass(span);
      progress |= LowerPass();
    }
    return ShrinkResult{std::move(best_), attempts_, improvements_};
  }

 private:
  bool Budget() const { return attempts_ < options_.max_attempts; }

  // Replays `candidate` and keeps it if it is better and still fails.
  bool Try(const std::vector<uint8_t>& candidate) {
    if (!Budget() || !ShortlexLess(candidate, best_)) return false;
    ++attempts_;
    if (!fails_(candidate)) return false;
    best_ = candidate;
    ++improvements_;
    return true;
  }

  // Binary search for the shortest failing prefix.
  bool TruncatePass() {
    size_t lo = 0, hi = best_.size();
    bool progress = false;
    while (lo < hi && Budget()) {
      const size_t mid = lo + (hi - lo) / 2;
      std::vector<uint8_t> c(best_.begin(), best_.begin() + mid);
      if (Try(c)) {
        hi = mid;
        progress = true;
      } else {
        lo = mid + 1;
      }
    }
    return progress;
  }

  bool DeletePass(size_t span) {
    bool progress = false;
    for (size_t i = best_.size(); i-- > 0 && Budget();) {
      if (i + span > best_.size()) continue;
      std::vector<uint8_t> c = best_;
      c.erase(c.begin() + i, c.begin() + i + span);
      progress |= Try(c);
    }
    return progress;
  }

  bool ZeroPass(size_t span) {
    bool progress = false;
    for (size_t i = 0; i + span <= best_.size() && Budget(); ++i) {
      if (std::all_of(best_.begin() + i, best_.begin() + i + span,
                      [](uint8_t b) { return b == 0; })) {
        continue;
      }
      std::vector<uint8_t> c = best_;
      std::fill(c.begin() + i, c.begin() + i + span, 0);
      progress |= Try(c);
    }
    return progress;
  }

  // Lowers each byte: binary search for the smallest value that still fails.
  bool LowerPass() {
    bool progress = false;
    for (size_t i = 0; i < best_.size() && Budget(); ++i) {
      int lo = 0, hi = best_[i];
      while (lo < hi && Budget()) {
        const int mid = lo + (hi - lo) / 2;
        std::vector<uint8_t> c = best_;
        c[i] = static_cast<uint8_t>(mid);
        if (Try(c)) {
          hi = mid;
          progress = true;
        } else {
          lo = mid + 1;
        }
      }
    }
    return progress;
  }

  std::vector<uint8_t> best_;
  absl::FunctionRef<bool(const std::vector<uint8_t>&)> fails_;
  ShrinkOptions options_;
  int64_t attempts_ = 0;
  int64_t improvements_ = 0;
};

}  // namespace

bool ShortlexLess(const std::vector<uint8_t>& a,
                  const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

ShrinkResult ShrinkTape(
    std::vector<uint8_t> tape,
    absl::FunctionRef<bool(const std::vector<uint8_t>&)> fails,
    const ShrinkOptions& options) {
  return Shrinker(std::move(tape), fails, options).Run();
}

}  // namespace sim
