#include "harness/campaign.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "check/checked_scenario.h"
#include "sim/check.h"
#include "sim/program.h"
#include "sim/strategy.h"

namespace harness {
namespace {

constexpr int64_t kChunkRuns = 128;

struct Unit {
  size_t scenario;
  int64_t begin;
  int64_t end;
};

class Shared {
 public:
  explicit Shared(CampaignObserver* observer) : observer_(observer) {}

  // Records a violation found by run `run`; keeps the earliest run per key.
  void Report(const check::Violation& v, const std::string& scenario,
              int64_t run, const sim::RunReport& report) {
    const std::string key = FindingKey(v, scenario);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = found_.find(key);
    if (it != found_.end() && it->second.run <= run) return;
    Finding f;
    f.violation = v;
    f.scenario = scenario;
    f.key = key;
    f.run = run;
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
    PollLocked();
  }

  // Without asking the observer: what it asked for last.
  bool stopped() const { return request_.load() != StopRequest::kNone; }
  bool aborted() const { return request_.load() == StopRequest::kAbort; }
  int64_t executions() const { return executions_.load(); }

  // Asks the observer; true once it asked to stop or abort.
  bool ShouldStopNow() {
    Poll();
    return stopped();
  }
  // Asks the observer; true once it asked to abort.
  bool ShouldAbortNow() {
    Poll();
    return aborted();
  }

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

 private:
  void Poll() {
    if (aborted() || !observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    PollLocked();
  }
  // A request only ever rises: none < stop < abort.
  void PollLocked() {
    const StopRequest r = observer_->ShouldStop();
    if (static_cast<int>(r) > static_cast<int>(request_.load()))
      request_.store(r);
  }

  CampaignObserver* observer_;
  std::mutex mu_;
  std::map<std::string, Finding> found_;  // ordered: deterministic output
  std::atomic<int64_t> executions_{0};
  std::atomic<StopRequest> request_{StopRequest::kNone};
};

void RunUnit(const CampaignOptions& o, const Unit& u, Shared& shared) {
  const Target& target = o.targets[u.scenario];
  auto scenario = check::CheckedScenario::Create(target.spec, target.properties,
                                                 target.program);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  check::CheckedScenario& s = **scenario;
  const std::string name = s.Name();
  const sim::ExecutorOptions exec = s.executor_options();
  int64_t pending = 0;
  auto after_run = [&](int64_t run, const sim::RunReport& r) {
    for (const check::Violation& v : s.violations()) {
      shared.Report(v, name, run, r);
    }
    if (++pending == 16) {
      shared.Progress(pending);
      pending = 0;
    }
  };
  // Run k of a scenario is execution k of its own strategy instance,
  // seeded by the campaign's seed and the scenario's name.
  std::unique_ptr<sim::Strategy> strategy =
      o.strategy.Make({.seed = o.seed ^ Fnv1a(name),
                       .max_executions = u.end,
                       .program = &s,
                       .executor = exec});
  for (int64_t k = u.begin; k < u.end && !shared.stopped() &&
                            strategy->BeginExecution(static_cast<uint64_t>(k));
       ++k) {
    after_run(k, sim::RunProgram(s, strategy->source(), exec));
  }
  shared.Progress(pending);
}

// Runs `worker` on `jobs` threads (this one included) and waits for them.
template <typename Worker>
void OnThreads(int jobs, Worker worker) {
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

// The runs of every scenario, until they are done or a stop request.
void RunAll(const CampaignOptions& o, int jobs, Shared& shared) {
  // Units are enumerated, not stored (a time-bounded exploration asks for
  // 2^40 runs): unit u is chunk u / S of scenario u % S, so scenarios take
  // turns and a stopped exploration has covered them all evenly.
  const uint64_t scenarios = o.targets.size();
  // An enumerating strategy (DFS) runs its executions in order: one unit.
  const bool dfs = o.strategy.info->enumerates;
  const uint64_t chunks =
      dfs ? 1
          : static_cast<uint64_t>((o.runs_per_scenario + kChunkRuns - 1) /
                                  kChunkRuns);
  const uint64_t total_units = scenarios * chunks;
  auto unit_at = [&](uint64_t u) {
    const size_t scenario = static_cast<size_t>(u % scenarios);
    if (dfs) return Unit{scenario, 0, o.runs_per_scenario};
    const int64_t begin = static_cast<int64_t>(u / scenarios) * kChunkRuns;
    return Unit{scenario, begin,
                std::min(begin + kChunkRuns, o.runs_per_scenario)};
  };
  std::atomic<uint64_t> next{0};
  OnThreads(jobs, [&]() {
    for (uint64_t u = next++; u < total_units; u = next++) {
      if (shared.ShouldStopNow()) return;
      RunUnit(o, unit_at(u), shared);
    }
  });
}

// Shrinks every finding, until they are done or an abort request.
void ShrinkAll(const CampaignOptions& o, int jobs, Shared& shared,
               std::vector<Finding>& findings) {
  std::map<std::string, const Target*> targets;
  for (const Target& t : o.targets) targets[t.Program()] = &t;
  std::atomic<size_t> next{0};
  OnThreads(jobs, [&]() {
    for (size_t i = next++; i < findings.size(); i = next++) {
      if (shared.ShouldAbortNow()) return;
      Finding& f = findings[i];
      ShrunkFinding s = ShrinkFinding(*targets.at(f.scenario), f.original_tape,
                                      f.violation, o.shrink_options);
      f.tape = std::move(s.tape);
      f.trace_hash = s.trace_hash;
      f.violation = std::move(s.violation);  // as the shrunk run words it
      f.shrunk = true;
      shared.Shrunk(f);
    }
  });
}

}  // namespace

std::vector<Target> Targets(const std::vector<models::ScenarioSpec>& specs,
                            const check::PropertyOptions& properties) {
  std::vector<Target> out;
  out.reserve(specs.size());
  for (const models::ScenarioSpec& s : specs)
    out.push_back({s, properties, ""});
  return out;
}

CampaignResult RunCampaign(const CampaignOptions& o,
                           CampaignObserver* observer) {
  const int jobs = std::max(1, o.jobs);
  Shared shared(observer);
  RunAll(o, jobs, shared);
  CampaignResult result;
  result.executions = shared.executions();
  result.stopped = shared.stopped();
  result.findings = shared.TakeFindings();
  if (o.shrink) ShrinkAll(o, jobs, shared, result.findings);
  result.aborted = shared.aborted();
  return result;
}

}  // namespace harness
