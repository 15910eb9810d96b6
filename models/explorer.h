// The explorer: runs a matrix of scenarios under a strategy (random, PCT,
// DFS, optionally swarm), checks the properties on every run, de-duplicates
// findings by (property, scenario, signature), and shrinks each finding's
// tape to the shortest that still breaks the same property the same way.
//
// Run k of scenario S uses seed DeriveSeed(seed ^ Fnv1a(S), k), whatever the
// matrix and the number of jobs, so a finding is reproducible alone, and the
// result (the findings, their tapes, the runs that found them) does not
// depend on --jobs. Only a stop request (Ctrl-C, a wall-clock budget) makes
// it depend on timing; the observer hears of every finding as it is found
// (and of a finding again, after shrinking, when it is shrunk).
//
// clang-format off
//   models::ExploreOptions opts{.scenarios = {spec},
//                               .runs_per_scenario = 10000};
//   models::ExploreResult r = models::Explore(opts, &observer);
//   for (const models::Finding& f : r.findings) ... f.Token() ...
// clang-format on
//
// Thread-safety: Explore runs `jobs` worker threads of its own; observer
// callbacks are serialised (never called concurrently).
#ifndef HANGUP_MODELS_EXPLORER_H_
#define HANGUP_MODELS_EXPLORER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "models/asgi/outcome.h"
#include "models/properties.h"
#include "models/scenario.h"
#include "sim/explore.h"
#include "sim/shrink.h"

namespace models {

struct ExploreOptions {
  std::vector<ScenarioSpec> scenarios;
  sim::StrategyOptions strategy;
  bool swarm = false;
  // Runs per scenario (DFS: at most this many; it may exhaust sooner).
  int64_t runs_per_scenario = 1000;
  int jobs = 1;
  PropertyOptions properties;
  bool shrink = true;
  sim::ShrinkOptions shrink_options;
};

struct Finding {
  Violation violation;
  std::string scenario;  // the spec, canonical
  std::string key;       // property|scenario|signature
  int64_t run = -1;      // the run (0-based, per scenario) that found it
  std::vector<uint8_t> original_tape;
  std::vector<uint8_t> tape;  // shrunk (== original when not shrunk)
  uint64_t trace_hash = 0;    // of `tape`
  bool shrunk = false;

  std::string Token() const;          // hangup1:<scenario>:<tape hex>
  std::string OriginalToken() const;  // with the unshrunk tape
};

// What an observer asks of a running exploration.
enum class StopRequest {
  kNone,   // go on
  kStop,   // a budget is spent: run no more, but shrink what was found
  kAbort,  // stop at once (Ctrl-C): shrink nothing more
};

class ExploreObserver {
 public:
  virtual ~ExploreObserver() = default;
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

struct ExploreResult {
  int64_t executions = 0;
  bool stopped = false;           // ShouldStop() ended the runs early
  bool aborted = false;           // kAbort: shrinking skipped or cut short
  std::vector<Finding> findings;  // sorted by key
};

// REQUIRES: every spec builds (Scenario::Create succeeds).
ExploreResult Explore(const ExploreOptions& options, ExploreObserver* observer);

// Replays `tape` on `spec` and returns the run's violations (with its
// outcome and report, when asked for).
std::vector<Violation> ReplayViolations(const ScenarioSpec& spec,
                                        const std::vector<uint8_t>& tape,
                                        const PropertyOptions& properties,
                                        sim::RunReport* report = nullptr,
                                        Outcome* outcome = nullptr,
                                        bool record_trace = false);

struct ShrunkFinding {
  std::vector<uint8_t> tape;  // the shortest found, as the run consumed it
  int64_t attempts = 0;       // replays the shrinking took
  uint64_t trace_hash = 0;    // of a replay of `tape`
  Violation violation;        // as the run on `tape` reports it
};

// Shrinks `tape` keeping a violation with this property and signature.
// REQUIRES: `spec` builds, and `tape` breaks `violation` on it.
ShrunkFinding ShrinkFinding(const ScenarioSpec& spec,
                            const std::vector<uint8_t>& tape,
                            const Violation& violation,
                            const PropertyOptions& properties,
                            const sim::ShrinkOptions& options);

// The one line that replays `tape` on `scenario` (a canonical spec):
// "hangup replay hangup1:<scenario>:<tape hex>".
std::string ReproduceLine(absl::string_view scenario,
                          const std::vector<uint8_t>& tape);

}  // namespace models

#endif  // HANGUP_MODELS_EXPLORER_H_
