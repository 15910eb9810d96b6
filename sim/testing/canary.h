// A deliberately buggy program the testbed must catch (tigerbeetle's canary,
// shuttle's concurrent_increment_buggy): an ordering bug of depth 2.
//
// A writer updates a two-part record in two steps, kHalf then kWhole, several
// yields apart; a reader checks the record once, several yields into its own
// run. The bug needs two orderings: the reader's check after the writer's
// first part AND before its second. Under the simplest schedule (keep running
// the current task) the writer finishes first and nothing fails.
//
//   sim::testing::CanaryProgram canary;
//   sim::ExploreResult r = sim::Explore(canary, {.strategy = {.kind =
//       sim::StrategyKind::kPct}, .max_runs = 200});
//
// Thread-safety: one run at a time.
#ifndef HANGUP_SIM_TESTING_CANARY_H_
#define HANGUP_SIM_TESTING_CANARY_H_

#include <string>

#include "sim/program.h"
#include "sim/task.h"

namespace sim::testing {

struct CanaryOptions {
  int steps_per_task = 10;     // yields per task
  int writer_first_part = 3;   // step at which the writer writes kHalf
  int writer_second_part = 6;  // step at which the writer writes kWhole
  int reader_check = 8;        // step at which the reader checks
};

class CanaryProgram : public sim::Program {
 public:
  explicit CanaryProgram(const CanaryOptions& options = {})
      : options_(options) {}
  std::string Name() const override { return "canary"; }
  void Start(sim::Executor& executor) override;
  std::string Check(sim::Executor& executor,
                    const sim::RunResult& result) override;

 private:
  enum class Record { kEmpty, kHalf, kWhole };
  static sim::Task<void> Writer(CanaryProgram* self);
  static sim::Task<void> Reader(CanaryProgram* self);

  CanaryOptions options_;
  sim::Executor* executor_ = nullptr;
  Record record_ = Record::kEmpty;
  bool torn_read_ = false;
};

}  // namespace sim::testing

#endif  // HANGUP_SIM_TESTING_CANARY_H_
