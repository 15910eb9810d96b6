// A campaign (what `hangup explore` runs): a matrix of scenarios under a
// strategy (sim/strategy.h: random, PCT, DFS, swarm); it checks the
// properties on every run, de-duplicates findings by (property, scenario,
// signature), and shrinks each finding's tape to the shortest that still
// breaks the same property the same way.
//
// Run k of scenario S uses seed DeriveSeed(seed ^ Fnv1a(S), k), whatever the
// matrix and the number of jobs, so a finding is reproducible alone, and the
// result (the findings, their tapes, the runs that found them) does not
// depend on --jobs. Only a stop request (Ctrl-C, a wall-clock budget) makes
// it depend on timing; the observer hears of every finding as it is found
// (and of a finding again, after shrinking, when it is shrunk).
//
// clang-format off
//   harness::CampaignOptions opts{.targets = harness::Targets({spec}, {}),
//                                 .runs_per_scenario = 10000};
//   harness::CampaignResult r = harness::RunCampaign(opts, &observer);
//   for (const harness::Finding& f : r.findings) ... f.Token() ...
// clang-format on
//
// Thread-safety: RunCampaign runs `jobs` worker threads of its own; observer
// callbacks are serialised (never called concurrently).
#ifndef HANGUP_HARNESS_CAMPAIGN_H_
#define HANGUP_HARNESS_CAMPAIGN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "check/properties.h"
#include "harness/findings.h"
#include "models/scenario.h"
#include "sim/shrink.h"
#include "sim/strategy.h"

namespace harness {

struct CampaignOptions {
  // What is explored, each with its own checks (Targets() makes them from
  // specs that share one PropertyOptions).
  std::vector<Target> targets;
  sim::StrategyConfig strategy;  // random by default
  uint64_t seed = 0;
  // Runs per scenario (DFS: at most this many; it may exhaust sooner).
  int64_t runs_per_scenario = 1000;
  int jobs = 1;
  bool shrink = true;
  sim::ShrinkOptions shrink_options;
};

// One target per spec, all checked with `properties`.
std::vector<Target> Targets(const std::vector<models::ScenarioSpec>& specs,
                            const check::PropertyOptions& properties);

// What an observer asks of a running exploration.
enum class StopRequest {
  kNone,   // go on
  kStop,   // a budget is spent: run no more, but shrink what was found
  kAbort,  // stop at once (Ctrl-C): shrink nothing more
};

class CampaignObserver {
 public:
  virtual ~CampaignObserver() = default;
  // A new finding (unshrunk), as soon as it is found.
  virtual void OnFinding(const Finding& finding) { (void)finding; }
  // A finding after shrinking.
  virtual void OnShrunk(const Finding& finding) { (void)finding; }
  // Called every few runs by the workers.
  virtual void OnProgress(int64_t executions, int64_t findings) {
    (void)executions;
    (void)findings;
  }
  // Polled between runs, and between findings while shrinking.
  virtual StopRequest ShouldStop() { return StopRequest::kNone; }
};

struct CampaignResult {
  int64_t executions = 0;
  bool stopped = false;           // ShouldStop() ended the runs early
  bool aborted = false;           // kAbort: shrinking skipped or cut short
  std::vector<Finding> findings;  // sorted by key
};

// REQUIRES: every spec builds (Scenario::Create succeeds).
CampaignResult RunCampaign(const CampaignOptions& options,
                           CampaignObserver* observer);

}  // namespace harness

#endif  // HANGUP_HARNESS_CAMPAIGN_H_
