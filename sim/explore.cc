#include "sim/explore.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim/dfs_source.h"
#include "sim/prng.h"
#include "sim/random_source.h"

namespace sim {

absl::string_view StrategyKindName(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct";
    case StrategyKind::kDfs:
      return "dfs";
  }
  return "?";
}

std::string StrategyOptions::ToString() const {
  switch (kind) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return absl::StrCat("pct:d=", pct_depth);
    case StrategyKind::kDfs:
      return dfs_preemption_bound < 0
                 ? std::string("dfs")
                 : absl::StrCat("dfs:pb=", dfs_preemption_bound);
  }
  return "?";
}

absl::StatusOr<StrategyOptions> ParseStrategy(absl::string_view text) {
  StrategyOptions s;
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  const absl::string_view name = parts[0];
  auto param = [&](absl::string_view key, int& out) -> absl::Status {
    if (parts.size() == 1) return absl::OkStatus();
    std::vector<absl::string_view> kv = absl::StrSplit(parts[1], '=');
    if (parts.size() > 2 || kv.size() != 2 || kv[0] != key ||
        !absl::SimpleAtoi(kv[1], &out) || out < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("strategy '", text, "': expected '", name, ":", key,
                       "=<non-negative integer>'"));
    }
    return absl::OkStatus();
  };
  if (name == "random" && parts.size() == 1) {
    s.kind = StrategyKind::kRandom;
  } else if (name == "pct") {
    s.kind = StrategyKind::kPct;
    SIM_RETURN_IF_ERROR(param("d", s.pct_depth));
    if (s.pct_depth < 1) {
      return absl::InvalidArgumentError("strategy pct: depth d must be >= 1");
    }
  } else if (name == "dfs") {
    s.kind = StrategyKind::kDfs;
    SIM_RETURN_IF_ERROR(param("pb", s.dfs_preemption_bound));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown strategy '", text,
                     "' (expected random, pct, pct:d=N, dfs or dfs:pb=N)"));
  }
  return s;
}

uint64_t DeriveSeed(uint64_t seed, uint64_t index) {
  uint64_t state = seed ^ (index * 0xd1b54a32d192ed03ULL);
  SplitMix64(state);
  return SplitMix64(state);
}

std::unique_ptr<ChoiceSource> MakeRunSource(const StrategyOptions& strategy,
                                            uint64_t index,
                                            int64_t expected_steps) {
  const uint64_t seed = DeriveSeed(strategy.seed, index);
  if (strategy.kind == StrategyKind::kPct) {
    return std::make_unique<PctSource>(
        PctOptions{.seed = seed,
                   .depth = strategy.pct_depth,
                   .expected_steps = expected_steps < 1 ? 1 : expected_steps});
  }
  return std::make_unique<RandomWalkSource>(seed);
}

int64_t MeasureChoices(Program& program, const ExecutorOptions& options) {
  const std::vector<uint8_t> empty;
  RunReport r = ReplayTape(program, empty, options);
  return r.choices;
}

ExploreResult Explore(Program& program, const ExploreOptions& options) {
  ExploreResult out;
  if (options.strategy.kind == StrategyKind::kDfs) {
    DfsSource dfs({.preemption_bound = options.strategy.dfs_preemption_bound,
                   .max_runs = options.max_runs});
    while (dfs.BeginRun()) {
      RunReport r = RunProgram(program, dfs, options.executor);
      if (r.failed()) {
        out.failing_run = dfs.runs() - 1;
        out.failure = std::move(r);
        break;
      }
    }
    out.runs = dfs.runs();
    out.exhausted = dfs.exhausted();
    return out;
  }
  int64_t k = options.strategy.pct_expected_steps;
  if (options.strategy.kind == StrategyKind::kPct && k == 0) {
    k = MeasureChoices(program, options.executor);
  }
  for (int64_t i = 0; i < options.max_runs; ++i) {
    auto source = MakeRunSource(options.strategy, static_cast<uint64_t>(i), k);
    RunReport r = RunProgram(program, *source, options.executor);
    out.runs = i + 1;
    if (r.failed()) {
      out.failing_run = i;
      out.failure = std::move(r);
      break;
    }
  }
  return out;
}

}  // namespace sim
