#include "models/explorer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "sim/dfs_source.h"
#include "sim/program.h"
#include "sim/swarm_source.h"

namespace models {
namespace {

constexpr int64_t kChunkRuns = 128;

struct Unit {
  size_t scenario;
  int64_t begin;
  int64_t end;
};

std::string KeyOf(const Violation& v, const std::string& scenario) {
  return absl::StrCat(v.property, "|", scenario, "|", v.signature);
}

class Shared {
 public:
  explicit Shared(ExploreObserver* observer) : observer_(observer) {}

  // Records a violation found by run `run`; keeps the earliest run per key.
  void Report(const Violation& v, const std::string& scenario, int64_t run,
              uint64_t seed, const sim::RunReport& report) {
    const std::string key = KeyOf(v, scenario);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = found_.find(key);
    if (it != found_.end() && it->second.run <= run) return;
    Finding f;
    f.violation = v;
    f.scenario = scenario;
    f.key = key;
    f.run = run;
    f.seed = seed;
    f.original_tape = report.tape;
    f.tape = report.tape;
    f.trace_hash = report.result.trace_hash;
    const bool is_new = it == found_.end();
    found_[key] = f;
    if (is_new && observer_) observer_->OnFinding(f);
  }

  void Progress(int64_t runs) {
    const int64_t total = executions_.fetch_add(runs) + runs;
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnProgress(total, static_cast<int64_t>(found_.size()));
    if (observer_->ShouldStop()) stop_.store(true);
  }

  bool stopped() const { return stop_.load(); }
  int64_t executions() const { return executions_.load(); }

  std::vector<Finding> TakeFindings() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Finding> out;
    for (auto& [key, f] : found_) out.push_back(std::move(f));
    found_.clear();
    return out;
  }

  void Shrunk(const Finding& f) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnShrunk(f);
  }

  bool ShouldStopNow() {
    if (stop_.load()) return true;
    if (!observer_) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (observer_->ShouldStop()) stop_.store(true);
    return stop_.load();
  }

 private:
  ExploreObserver* observer_;
  std::mutex mu_;
  std::map<std::string, Finding> found_;  // ordered: deterministic output
  std::atomic<int64_t> executions_{0};
  std::atomic<bool> stop_{false};
};

void RunUnit(const ExploreOptions& o, const Unit& u, const RunChecker& checker,
             Shared& shared) {
  auto scenario = Scenario::Create(o.scenarios[u.scenario]);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  Scenario& s = **scenario;
  s.set_checker(checker);
  const std::string name = s.Name();
  const sim::ExecutorOptions exec = s.executor_options();
  int64_t pending = 0;
  auto after_run = [&](int64_t run, uint64_t seed, const sim::RunReport& r) {
    for (const Violation& v : s.last_violations()) {
      shared.Report(v, name, run, seed, r);
    }
    if (++pending == 16) {
      shared.Progress(pending);
      pending = 0;
    }
  };
  if (o.strategy.kind == sim::StrategyKind::kDfs) {
    sim::DfsSource dfs({.preemption_bound = o.strategy.dfs_preemption_bound,
                        .max_runs = u.end});
    while (dfs.BeginRun() && !shared.stopped()) {
      sim::RunReport r = sim::RunProgram(s, dfs, exec);
      after_run(dfs.runs() - 1, 0, r);
    }
  } else {
    sim::StrategyOptions strategy = o.strategy;
    strategy.seed = o.strategy.seed ^ Fnv1a(name);
    int64_t expected_steps = strategy.pct_expected_steps;
    if (strategy.kind == sim::StrategyKind::kPct && expected_steps == 0) {
      expected_steps = sim::MeasureChoices(s, exec);
    }
    for (int64_t k = u.begin; k < u.end && !shared.stopped(); ++k) {
      const uint64_t seed =
          sim::DeriveSeed(strategy.seed, static_cast<uint64_t>(k));
      std::unique_ptr<sim::ChoiceSource> source = sim::MakeRunSource(
          strategy, static_cast<uint64_t>(k), expected_steps);
      sim::RunReport r;
      if (o.swarm) {
        sim::SwarmSource swarm(*source, sim::SwarmSource::MaskFromSeed(seed));
        r = sim::RunProgram(s, swarm, exec);
      } else {
        r = sim::RunProgram(s, *source, exec);
      }
      after_run(k, seed, r);
    }
  }
  shared.Progress(pending);
}

}  // namespace

uint64_t Fnv1a(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string Finding::Token() const {
  return sim::ReplayToken{scenario, tape}.Encode();
}

std::string Finding::OriginalToken() const {
  return sim::ReplayToken{scenario, original_tape}.Encode();
}

std::vector<Violation> ReplayViolations(const ScenarioSpec& spec,
                                        const std::vector<uint8_t>& tape,
                                        const PropertyOptions& properties,
                                        sim::RunReport* report,
                                        Outcome* outcome, bool record_trace) {
  auto scenario = Scenario::Create(spec);
  if (!scenario.ok()) return {};
  (*scenario)->set_checker(MakeChecker(properties));
  sim::RunReport r = sim::ReplayTape(
      **scenario, tape, (*scenario)->executor_options(record_trace));
  if (report) *report = std::move(r);
  if (outcome) *outcome = (*scenario)->last_outcome();
  return (*scenario)->last_violations();
}

sim::ShrinkResult ShrinkFinding(const ScenarioSpec& spec,
                                const std::vector<uint8_t>& tape,
                                const Violation& violation,
                                const PropertyOptions& properties,
                                const sim::ShrinkOptions& options) {
  auto scenario = Scenario::Create(spec);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  Scenario& s = **scenario;
  s.set_checker(MakeChecker(properties));
  const sim::ExecutorOptions exec = s.executor_options();
  auto still_fails = [&](const std::vector<uint8_t>& candidate) {
    sim::ReplayTape(s, candidate, exec);
    for (const Violation& v : s.last_violations()) {
      if (v.property == violation.property &&
          v.signature == violation.signature) {
        return true;
      }
    }
    return false;
  };
  sim::ShrinkResult result = sim::ShrinkTape(tape, still_fails, options);
  // Normalise: the tape the shrunk run actually consumed.
  sim::RunReport canonical = sim::ReplayTape(s, result.tape, exec);
  if (still_fails(canonical.tape)) result.tape = canonical.tape;
  return result;
}

ExploreResult Explore(const ExploreOptions& o, ExploreObserver* observer) {
  // Units are enumerated, not stored (a time-bounded exploration asks for
  // 2^40 runs): unit u is chunk u / S of scenario u % S, so scenarios take
  // turns and a stopped exploration has covered them all evenly.
  const uint64_t scenarios = o.scenarios.size();
  const bool dfs = o.strategy.kind == sim::StrategyKind::kDfs;
  const uint64_t chunks =
      dfs ? 1
          : static_cast<uint64_t>((o.runs_per_scenario + kChunkRuns - 1) / kChunkRuns);
  const uint64_t total_units = scenarios * chunks;
  auto unit_at = [&](uint64_t u) {
    const size_t scenario = static_cast<size_t>(u % scenarios);
    if (dfs) return Unit{scenario, 0, o.runs_per_scenario};
    const int64_t begin = static_cast<int64_t>(u / scenarios) * kChunkRuns;
    return Unit{scenario, begin, std::min(begin + kChunkRuns, o.runs_per_scenario)};
  };
  Shared shared(observer);
  std::atomic<uint64_t> next{0};
  auto worker = [&]() {
    RunChecker checker = MakeChecker(o.properties);
    for (uint64_t u = next++; u < total_units; u = next++) {
      if (shared.ShouldStopNow()) return;
      RunUnit(o, unit_at(u), checker, shared);
    }
  };
  const int jobs = std::max(1, o.jobs);
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  ExploreResult result;
  result.executions = shared.executions();
  result.stopped = shared.stopped();
  result.findings = shared.TakeFindings();
  if (!o.shrink || result.stopped) return result;

  std::map<std::string, const ScenarioSpec*> specs;
  for (const ScenarioSpec& spec : o.scenarios) {
    auto s = Scenario::Create(spec);
    if (s.ok()) specs[(*s)->Name()] = &spec;
  }
  std::atomic<size_t> next_finding{0};
  auto shrinker = [&]() {
    for (size_t i = next_finding++; i < result.findings.size();
         i = next_finding++) {
      if (shared.ShouldStopNow()) return;
      Finding& f = result.findings[i];
      const ScenarioSpec& spec = *specs.at(f.scenario);
      sim::ShrinkResult s = ShrinkFinding(spec, f.original_tape, f.violation,
                                          o.properties, o.shrink_options);
      f.tape = s.tape;
      f.shrunk = true;
      f.shrink_attempts = s.attempts;
      sim::RunReport report;
      std::vector<Violation> v =
          ReplayViolations(spec, f.tape, o.properties, &report);
      f.trace_hash = report.result.trace_hash;
      for (const Violation& x : v) {
        if (x.property == f.violation.property &&
            x.signature == f.violation.signature) {
          f.violation = x;  // the detail as the shrunk run says it
        }
      }
      shared.Shrunk(f);
    }
  };
  threads.clear();
  for (int j = 1; j < jobs; ++j) threads.emplace_back(shrinker);
  shrinker();
  for (std::thread& t : threads) t.join();
  return result;
}

}  // namespace models
