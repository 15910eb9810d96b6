// Running a program once under a choice source, recording its tape, and the
// replay token that reproduces it.
//
// A Program is what the kernel runs: it spawns its tasks on a fresh executor,
// then judges the finished run. RunProgram wraps the source in a
// RecordingSource, so every report carries the tape that replays it; a
// ReplayToken is "hangup1:<program>:<tape hex>", one line to copy and paste.
//
//   sim::RandomWalkSource random(seed);
//   sim::RunReport r = sim::RunProgram(program, random, {});
//   if (r.failed())
//     std::cout << sim::ReplayToken{program.Name(), r.tape}.Encode();
//   sim::RunReport again = sim::ReplayTape(program, r.tape, {});  // same hash
//
// Thread-safety: a Program instance is used by one thread at a time.
#ifndef HANGUP_SIM_PROGRAM_H_
#define HANGUP_SIM_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/choice.h"
#include "sim/executor.h"
#include "sim/trace.h"

namespace sim {

class Program {
 public:
  virtual ~Program() = default;
  // Identifies what is run (goes into replay tokens). No whitespace.
  virtual std::string Name() const = 0;
  // Creates the run's state and spawns its tasks on a fresh executor. Called
  // once per run; nothing may carry over from earlier runs.
  virtual void Start(Executor& executor) = 0;
  // Judges the finished run while the executor still exists. Returns "" when
  // the run passes, else a one-line failure whose first word is a stable
  // signature (for example the property's name).
  virtual std::string Check(Executor& executor, const RunResult& result) = 0;
  // Releases the run's state; called after the executor is destroyed.
  virtual void Finish() {}
};

// Drops trailing zero bytes: past its end a tape reads as zeros, so the
// trimmed tape replays the same run.
void TrimTape(std::vector<uint8_t>& tape);

struct RunReport {
  RunResult result;
  std::string failure;        // "" when the run passed
  std::vector<uint8_t> tape;  // the run's choices, trailing zeros trimmed
  int64_t choices = 0;
  // Only when options.record_trace: the run's trace (events and hash) and
  // its task names; Timeline() renders them.
  std::shared_ptr<const Trace> trace;
  std::vector<absl::string_view> task_names;
  bool failed() const { return !failure.empty(); }
  // The human timeline ("" when the trace was not recorded).
  std::string Timeline(bool steps = false) const {
    return trace ? trace->Timeline(task_names, steps) : std::string();
  }
};

RunReport RunProgram(Program& program, ChoiceSource& source,
                     const ExecutorOptions& options);
// Replays a tape (choices past its end are 0).
RunReport ReplayTape(Program& program, const std::vector<uint8_t>& tape,
                     const ExecutorOptions& options);

struct ReplayToken {
  std::string program;
  std::vector<uint8_t> tape;

  // "hangup1:<program>:<hex>".
  std::string Encode() const;
  // Errors name what was wrong and what was expected.
  static absl::StatusOr<ReplayToken> Parse(absl::string_view text);
};

}  // namespace sim

#endif  // HANGUP_SIM_PROGRAM_H_
