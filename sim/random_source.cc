#include "sim/random_source.h"

#include <algorithm>

#include "sim/check.h"

namespace sim {
namespace {

// Initial priorities live above every change-point priority (1..depth-1).
constexpr uint64_t kInitialPriorityFloor = 1u << 20;

}  // namespace

PctSource::PctSource(const PctOptions& options) : prng_(options.seed) {
  SIM_CHECK(options.depth >= 1) << "PCT depth must be >= 1";
  SIM_CHECK(options.expected_steps >= 1) << "PCT expected_steps must be >= 1";
  for (int i = 0; i + 1 < options.depth; ++i) {
    change_points_.push_back(
        1 + static_cast<int64_t>(prng_.Below(options.expected_steps)));
  }
}

uint32_t PctSource::Choose(ChoiceKind, uint32_t n) {
  return static_cast<uint32_t>(prng_.Below(n));
}

uint64_t PctSource::PriorityOf(TaskId task) {
  if (task >= priorities_.size()) priorities_.resize(task + 1, 0);
  if (priorities_[task] == 0) {
    priorities_[task] = kInitialPriorityFloor + (prng_.NextU64() >> 2);
  }
  return priorities_[task];
}

uint32_t PctSource::ChooseTask(ChoiceKind kind,
                               absl::Span<const TaskId> options) {
  ++step_;
  for (size_t i = 0; i < change_points_.size(); ++i) {
    // Change point i lowers the running task to priority i+1 (lowest first).
    if (change_points_[i] == step_ && has_last_) {
      PriorityOf(last_);
      priorities_[last_] = i + 1;
    }
  }
  (void)kind;
  uint32_t best = 0;
  uint64_t best_priority = 0;
  for (uint32_t i = 0; i < options.size(); ++i) {
    const uint64_t p = PriorityOf(options[i]);
    if (p > best_priority) {
      best = i;
      best_priority = p;
    }
  }
  has_last_ = true;
  last_ = options[best];
  return best;
}

}  // namespace sim
