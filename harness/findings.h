// Findings and what is done with them: the de-duplication key, replaying a
// tape on a scenario with its properties checked, shrinking a finding's tape
// to the shortest that still breaks the same property the same way, and the
// one line that reproduces it.
//
//   absl::StatusOr<harness::Replayed> r =
//       harness::ReplaySpec(spec, tape, check::PropertyOptions{});
//   if (!r.ok()) ... r.status() names the unknown server, app, ...
//   for (const check::Violation& v : r->violations) ...
//   std::string line = harness::ReproduceLine(spec.ToString(), tape);
//
// Thread-safety: pure functions; each builds and runs its own scenario on the
// calling thread.
#ifndef HANGUP_HARNESS_FINDINGS_H_
#define HANGUP_HARNESS_FINDINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "check/properties.h"
#include "check/violation.h"
#include "models/asgi/outcome.h"
#include "models/scenario.h"
#include "sim/program.h"
#include "sim/shrink.h"

namespace harness {

struct Finding {
  check::Violation violation;
  std::string scenario;  // the spec, canonical
  std::string key;       // FindingKey(violation, scenario)
  int64_t run = -1;      // the run (0-based, per scenario) that found it
  std::vector<uint8_t> original_tape;
  std::vector<uint8_t> tape;  // shrunk (== original when not shrunk)
  uint64_t trace_hash = 0;    // of `tape`
  bool shrunk = false;

  std::string Token() const;          // hangup1:<scenario>:<tape hex>
  std::string OriginalToken() const;  // with the unshrunk tape
};

// What is explored and replayed: a scenario, how its runs are checked, and
// the program name its replay tokens carry (a scenario file's
// "file=<path>@<hash>", or "" for the spec's canonical form).
struct Target {
  models::ScenarioSpec spec;
  check::PropertyOptions properties;
  std::string program;

  // The name in tokens and findings.
  std::string Program() const {
    return program.empty() ? spec.ToString() : program;
  }
};

// 64-bit FNV-1a: deterministic everywhere (never std::hash). Seeds a
// scenario's runs (campaigns) and names a file's content (scenario files).
uint64_t Fnv1a(absl::string_view text);

// What de-duplicates findings: "property|scenario|signature".
std::string FindingKey(const check::Violation& violation,
                       absl::string_view scenario);

// One replay of a tape on a scenario, with its properties checked.
struct Replayed {
  sim::RunReport report;
  models::Outcome outcome;
  std::vector<check::Violation> violations;
};
// The error is the scenario's (an unknown name, a bad override).
absl::StatusOr<Replayed> ReplayTarget(const Target& target,
                                      const std::vector<uint8_t>& tape,
                                      bool record_trace = false);
absl::StatusOr<Replayed> ReplaySpec(const models::ScenarioSpec& spec,
                                    const std::vector<uint8_t>& tape,
                                    const check::PropertyOptions& properties,
                                    bool record_trace = false);

struct ShrunkFinding {
  std::vector<uint8_t> tape;   // the shortest found, as the run consumed it
  int64_t attempts = 0;        // replays the shrinking took
  uint64_t trace_hash = 0;     // of a replay of `tape`
  check::Violation violation;  // as the run on `tape` reports it
};

// Shrinks `tape` keeping a violation with this property and signature.
// REQUIRES: `target` builds, and `tape` breaks `violation` on it.
ShrunkFinding ShrinkFinding(const Target& target,
                            const std::vector<uint8_t>& tape,
                            const check::Violation& violation,
                            const sim::ShrinkOptions& options);

// The one line that replays `tape` on `scenario` (a canonical spec):
// "hangup replay hangup1:<scenario>:<tape hex>".
std::string ReproduceLine(absl::string_view scenario,
                          const std::vector<uint8_t>& tape);

}  // namespace harness

#endif  // HANGUP_HARNESS_FINDINGS_H_
