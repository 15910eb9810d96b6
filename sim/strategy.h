// Exploration strategies: what chooses the choices of each execution of an
// exploration (shuttle's Scheduler). A Strategy lives across the executions:
// BeginExecution prepares the next one and source() is its choice source.
// Random walk and PCT make every execution from its index alone (so a
// campaign can split executions into chunks, and run k can be redone alone);
// DFS enumerates the choice tree and so takes its executions in order; swarm
// is a decorator that also switches whole choice kinds off per execution.
//
// Every strategy is one row of one table (Strategies()): name, syntax,
// description, its one optional integer parameter (which drives the parser)
// and its factory. `hangup list`, the --strategy help, the explorer and the
// kernel's Explore all read it; adding a strategy is one row plus its class.
//
//   absl::StatusOr<sim::StrategyConfig> config = sim::ParseStrategy("pct:d=3");
//   std::unique_ptr<sim::Strategy> s =
//       config->Make({.seed = 1, .program = &program, .executor = options});
//   for (uint64_t k = 0; k < 100 && s->BeginExecution(k); ++k)
//     sim::RunProgram(program, s->source(), options);
//
// Thread-safety: a Strategy belongs to one thread; the table is immutable.
#ifndef HANGUP_SIM_STRATEGY_H_
#define HANGUP_SIM_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/choice.h"
#include "sim/executor.h"
#include "sim/program.h"

namespace sim {

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Prepares execution `index` and returns true, or false when there is
  // none (DFS: the tree is exhausted or its run limit reached).
  // REQUIRES: indices increase from one call to the next; strategies that
  // enumerate (StrategyInfo::enumerates) take 0, 1, 2, ... in order.
  virtual bool BeginExecution(uint64_t index) = 0;
  // The choice source of the execution begun last.
  // REQUIRES: BeginExecution returned true.
  virtual ChoiceSource& source() = 0;
  // True once an enumerating strategy covered its whole tree.
  virtual bool exhausted() const { return false; }
};

// Forwards every call to another strategy; derive to decorate (swarm).
class StrategyWrapper : public Strategy {
 public:
  explicit StrategyWrapper(std::unique_ptr<Strategy> target)
      : target_(std::move(target)) {}
  bool BeginExecution(uint64_t index) override {
    return target_->BeginExecution(index);
  }
  ChoiceSource& source() override { return target_->source(); }
  bool exhausted() const override { return target_->exhausted(); }

 private:
  std::unique_ptr<Strategy> target_;
};

// What a strategy is made for.
struct StrategyContext {
  uint64_t seed = 0;            // the exploration's root seed
  int64_t max_executions = -1;  // enumerating strategies stop here; -1 = none
  // The program explored, for strategies that measure it first (PCT's k is
  // the number of choices of its simplest run); may be null for the others.
  Program* program = nullptr;
  ExecutorOptions executor;
};

struct StrategyInfo {
  const char* name;         // "pct"
  const char* syntax;       // "pct[:d=N]"
  const char* description;  // one line
  // The one integer parameter "name:<param>=N", or nullptr for none.
  const char* param = nullptr;
  int64_t param_default = 0;
  int64_t param_min = 0;
  // Executions depend on those before them (DFS): they run in order, and a
  // single execution of the strategy means little.
  bool enumerates = false;
  std::unique_ptr<Strategy> (*make)(int64_t param,
                                    const StrategyContext& context) = nullptr;
};
absl::Span<const StrategyInfo> Strategies();
// The default strategy (random).
const StrategyInfo& DefaultStrategy();

// A parsed --strategy: a row and its parameter's value.
struct StrategyConfig {
  const StrategyInfo* info = &DefaultStrategy();
  int64_t param = 0;

  // The canonical text: "random", "pct:d=2", "dfs" (no bound), "dfs:pb=2".
  std::string ToString() const;
  std::unique_ptr<Strategy> Make(const StrategyContext& context) const;
};
// Parses "name" or "name:<param>=N" against the table; errors name what was
// given and list what is accepted.
absl::StatusOr<StrategyConfig> ParseStrategy(absl::string_view text);

// The seed of execution `index` of an exploration seeded `seed`.
uint64_t DeriveSeed(uint64_t seed, uint64_t index);

// Choices made by the simplest run (every choice 0): PCT's default k.
int64_t MeasureChoices(Program& program, const ExecutorOptions& options);

}  // namespace sim

#endif  // HANGUP_SIM_STRATEGY_H_
