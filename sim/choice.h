// The one choice tape: every nondeterministic decision in a run is a draw
// Choose(kind, n) -> [0, n) from a ChoiceSource.
//
// Option 0 is always "the simplest thing": keep running the current task, no
// fault, the shortest delay. Strategies (random walk, PCT, DFS, tape replay)
// are ChoiceSources; a RecordingSource wrapped around any of them writes the
// tape that replays the run.
//
//   sim::RandomWalkSource random(seed);
//   sim::RecordingSource recorder(random);
//   uint32_t v = recorder.Choose(sim::ChoiceKind::kFault, 3);  // 0, 1 or 2
//   std::vector<uint8_t> tape = recorder.tape();
//
// Callers never ask forced choices (n < 2): they take option 0 without a draw,
// so forced decisions cost no tape and no DFS branch.
//
// Thread-safety: a ChoiceSource belongs to one run on one thread.
#ifndef HANGUP_SIM_CHOICE_H_
#define HANGUP_SIM_CHOICE_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sim {

// Dense task ids, assigned in creation order from 0 within a run.
using TaskId = uint32_t;

enum class ChoiceKind : uint8_t {
  // Which runnable task runs next; option 0 is the task that ran last, which is
  // still runnable, so any other option is a preemption.
  kScheduleKeep = 0,
  // Which runnable task runs next after the last one blocked or finished;
  // option 0 is the oldest runnable task. No option is a preemption.
  kSchedule = 1,
  // A delay, as an index into a model's list of delays; 0 is the shortest.
  kDelay = 2,
  // Whether (and which) fault fires; 0 is no fault.
  kFault = 3,
  // A model's choice among variants (close kind, byte counts, ...); 0 is the
  // model's default.
  kPick = 4,
};
inline constexpr int kNumChoiceKinds = 5;

absl::string_view ChoiceKindName(ChoiceKind kind);

class ChoiceSource {
 public:
  virtual ~ChoiceSource() = default;

  // Returns a value in [0, n). REQUIRES: n >= 2.
  virtual uint32_t Choose(ChoiceKind kind, uint32_t n) = 0;

  // True for strategies that schedule by task identity (PCT): the executor
  // then calls ChooseTask with the ready tasks' ids instead of Choose. Must
  // not change during a run.
  virtual bool wants_task_ids() const { return false; }

  // Picks the next task to run; returns an index into `options`, whose order is
  // option order (options[0] is the simplest, see kScheduleKeep).
  // REQUIRES: kind is kScheduleKeep or kSchedule; options.size() >= 2.
  virtual uint32_t ChooseTask(ChoiceKind kind,
                              absl::Span<const TaskId> options) {
    return Choose(kind, static_cast<uint32_t>(options.size()));
  }
};

// Forwards every call to another source; derive to decorate (RecordingSource).
class ChoiceSourceWrapper : public ChoiceSource {
 public:
  explicit ChoiceSourceWrapper(ChoiceSource& target) : target_(target) {}
  uint32_t Choose(ChoiceKind kind, uint32_t n) override {
    return target_.Choose(kind, n);
  }
  bool wants_task_ids() const override { return target_.wants_task_ids(); }
  uint32_t ChooseTask(ChoiceKind kind,
                      absl::Span<const TaskId> options) override {
    return target_.ChooseTask(kind, options);
  }

 protected:
  ChoiceSource& target() { return target_; }

 private:
  ChoiceSource& target_;
};

// Tape encoding: a choice with n <= 256 options takes one byte, n <= 65536
// two bytes, otherwise four (big-endian). A byte string read back gives
// raw % n, so any bytes are a valid tape and smaller bytes mean simpler runs.
int TapeWidth(uint32_t n);
void AppendChoice(std::vector<uint8_t>& tape, uint32_t value, uint32_t n);

// Wraps a source and records every choice it returns as tape bytes.
class RecordingSource : public ChoiceSourceWrapper {
 public:
  using ChoiceSourceWrapper::ChoiceSourceWrapper;
  uint32_t Choose(ChoiceKind kind, uint32_t n) override;
  uint32_t ChooseTask(ChoiceKind kind,
                      absl::Span<const TaskId> options) override;

  const std::vector<uint8_t>& tape() const { return tape_; }
  std::vector<uint8_t> TakeTape() { return std::move(tape_); }
  int64_t choices() const { return choices_; }

 private:
  std::vector<uint8_t> tape_;
  int64_t choices_ = 0;
};

}  // namespace sim

#endif  // HANGUP_SIM_CHOICE_H_
