#include "sim/dfs_source.h"

#include "sim/check.h"

namespace sim {

bool DfsSource::BeginRun() {
  if (exhausted_) return false;
  if (runs_ > 0) {
    SIM_CHECK(depth_ == stack_.size())
        << "nondeterminism: run " << runs_ << " made " << depth_
        << " choices but replayed a prefix of " << stack_.size();
    while (!stack_.empty() && stack_.back().value + 1 >= stack_.back().n) {
      stack_.pop_back();
    }
    if (stack_.empty()) {
      exhausted_ = true;
      return false;
    }
    ++stack_.back().value;
  }
  if (options_.max_runs >= 0 && runs_ >= options_.max_runs) return false;
  depth_ = 0;
  preemptions_ = 0;
  ++runs_;
  return true;
}

uint32_t DfsSource::Choose(ChoiceKind kind, uint32_t n) {
  const bool preemptive = kind == ChoiceKind::kScheduleKeep;
  uint32_t allowed = n;
  if (preemptive && options_.preemption_bound >= 0 &&
      preemptions_ >= options_.preemption_bound) {
    allowed = 1;
  }
  uint32_t value = 0;
  if (depth_ < stack_.size()) {
    const Frame& frame = stack_[depth_];
    SIM_CHECK(frame.n == allowed)
        << "nondeterminism: choice " << depth_ << " offered " << allowed
        << " options on replay, " << frame.n << " before";
    value = frame.value;
  } else {
    stack_.push_back(Frame{0, allowed});
  }
  ++depth_;
  if (preemptive && value != 0) ++preemptions_;
  return value;
}

}  // namespace sim
