#include "sim/strategy.h"

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/dfs_source.h"
#include "sim/prng.h"
#include "sim/random_source.h"
#include "sim/swarm_source.h"

namespace sim {
namespace {

// Execution k: a random walk seeded DeriveSeed(seed, k).
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(uint64_t seed) : seed_(seed) {}
  bool BeginExecution(uint64_t index) override {
    source_.emplace(DeriveSeed(seed_, index));
    return true;
  }
  ChoiceSource& source() override { return *source_; }

 private:
  uint64_t seed_;
  std::optional<RandomWalkSource> source_;
};

// Execution k: PCT seeded DeriveSeed(seed, k), with the program's measured
// number of choices as k.
class PctStrategy final : public Strategy {
 public:
  PctStrategy(uint64_t seed, int depth, int64_t expected_steps)
      : seed_(seed), depth_(depth), expected_steps_(expected_steps) {}
  bool BeginExecution(uint64_t index) override {
    source_.emplace(PctOptions{.seed = DeriveSeed(seed_, index),
                               .depth = depth_,
                               .expected_steps = expected_steps_});
    return true;
  }
  ChoiceSource& source() override { return *source_; }

 private:
  uint64_t seed_;
  int depth_;
  int64_t expected_steps_;
  std::optional<PctSource> source_;
};

// Executions in DFS order; the index only counts them.
class DfsStrategy final : public Strategy {
 public:
  explicit DfsStrategy(const DfsOptions& options) : dfs_(options) {}
  bool BeginExecution(uint64_t) override { return dfs_.BeginRun(); }
  ChoiceSource& source() override { return dfs_; }
  bool exhausted() const override { return dfs_.exhausted(); }

 private:
  DfsSource dfs_;
};

// The decorator: execution k of the wrapped strategy with the choice kinds
// of SwarmSource::MaskFromSeed(DeriveSeed(seed, k)) switched on.
class SwarmStrategy final : public StrategyWrapper {
 public:
  SwarmStrategy(std::unique_ptr<Strategy> target, uint64_t seed)
      : StrategyWrapper(std::move(target)), seed_(seed) {}
  bool BeginExecution(uint64_t index) override {
    if (!StrategyWrapper::BeginExecution(index)) return false;
    swarm_.emplace(StrategyWrapper::source(),
                   SwarmSource::MaskFromSeed(DeriveSeed(seed_, index)));
    return true;
  }
  ChoiceSource& source() override { return *swarm_; }

 private:
  uint64_t seed_;
  std::optional<SwarmSource> swarm_;
};

std::unique_ptr<Strategy> MakeRandom(int64_t, const StrategyContext& c) {
  return std::make_unique<RandomStrategy>(c.seed);
}

std::unique_ptr<Strategy> MakePct(int64_t depth, const StrategyContext& c) {
  const int64_t k =
      c.program == nullptr ? 1 : MeasureChoices(*c.program, c.executor);
  return std::make_unique<PctStrategy>(c.seed, static_cast<int>(depth),
                                       k < 1 ? 1 : k);
}

std::unique_ptr<Strategy> MakeDfs(int64_t bound, const StrategyContext& c) {
  return std::make_unique<DfsStrategy>(
      DfsOptions{.preemption_bound = static_cast<int>(bound),
                 .max_runs = c.max_executions});
}

std::unique_ptr<Strategy> MakeSwarm(int64_t, const StrategyContext& c) {
  return std::make_unique<SwarmStrategy>(MakeRandom(0, c), c.seed);
}

constexpr StrategyInfo kStrategies[] = {
    {.name = "random",
     .syntax = "random",
     .description = "seeded random walk over every choice",
     .make = MakeRandom},
    {.name = "pct",
     .syntax = "pct[:d=N]",
     .description = "PCT, bug depth N (default 2)",
     .param = "d",
     .param_default = 2,
     .param_min = 1,
     .make = MakePct},
    {.name = "dfs",
     .syntax = "dfs[:pb=N]",
     .description = "bounded exhaustive search, preemption bound N (default "
                    "none)",
     .param = "pb",
     .param_default = -1,
     .param_min = 0,
     .enumerates = true,
     .make = MakeDfs},
    {.name = "swarm",
     .syntax = "swarm",
     .description = "random walk; each seed also switches fault kinds off",
     .make = MakeSwarm},
};

std::string Syntaxes() {
  return absl::StrJoin(kStrategies, ", ",
                       [](std::string* out, const StrategyInfo& s) {
                         absl::StrAppend(out, s.syntax);
                       });
}

}  // namespace

absl::Span<const StrategyInfo> Strategies() { return kStrategies; }

const StrategyInfo& DefaultStrategy() { return kStrategies[0]; }

std::string StrategyConfig::ToString() const {
  if (info->param == nullptr || param < info->param_min) return info->name;
  return absl::StrCat(info->name, ":", info->param, "=", param);
}

std::unique_ptr<Strategy> StrategyConfig::Make(
    const StrategyContext& context) const {
  return info->make(param, context);
}

absl::StatusOr<StrategyConfig> ParseStrategy(absl::string_view text) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  StrategyConfig out;
  out.info = nullptr;
  for (const StrategyInfo& s : kStrategies) {
    if (parts[0] == s.name) out.info = &s;
  }
  if (out.info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown strategy '", text, "' (expected one of: ", Syntaxes(), ")"));
  }
  out.param = out.info->param_default;
  if (parts.size() == 1) return out;
  const std::vector<absl::string_view> kv =
      absl::StrSplit(parts[1], absl::MaxSplits('=', 1));
  if (out.info->param == nullptr || kv.size() != 2 ||
      kv[0] != out.info->param || !absl::SimpleAtoi(kv[1], &out.param) ||
      out.param < out.info->param_min || out.param > (int64_t{1} << 30)) {
    const std::string expected =
        out.info->param == nullptr
            ? absl::StrCat("'", out.info->name, "' (it takes no parameter)")
            : absl::StrCat("'", out.info->name, ":", out.info->param,
                           "=N' with N an integer from ", out.info->param_min,
                           " to ", int64_t{1} << 30);
    return absl::InvalidArgumentError(
        absl::StrCat("strategy '", text, "': expected ", expected));
  }
  return out;
}

uint64_t DeriveSeed(uint64_t seed, uint64_t index) {
  uint64_t state = seed ^ (index * 0xd1b54a32d192ed03ULL);
  SplitMix64(state);
  return SplitMix64(state);
}

int64_t MeasureChoices(Program& program, const ExecutorOptions& options) {
  const std::vector<uint8_t> empty;
  RunReport r = ReplayTape(program, empty, options);
  return r.choices;
}

}  // namespace sim
