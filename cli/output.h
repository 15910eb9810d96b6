// Everything the hangup commands print, text for people and JSON for
// programs, in one place: the catalog listing, one run, a campaign's
// findings, the default job's table, a replay's verdict and errors.
//
//   cli::PrintRun(scenario, report, {.json = false, .steps = true});
//   return cli::BadInput("run", status);  // prints, returns 2
//
// Thread-safety: writes to stdout/stderr; call from one thread.
#ifndef HANGUP_CLI_OUTPUT_H_
#define HANGUP_CLI_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "check/checked_scenario.h"
#include "check/violation.h"
#include "harness/campaign.h"
#include "harness/corpus.h"
#include "harness/findings.h"
#include "models/scenario.h"
#include "nlohmann/json.hpp"
#include "sim/program.h"

namespace cli {

struct OutputOptions {
  bool json = false;
  bool steps = false;  // every scheduling step in the timeline
};

// Prints "hangup <command>: <message>" to stderr; returns 2 (bad input).
int BadInput(absl::string_view command, const absl::Status& status);

// `hangup list`: every table that can be named on the command line.
void PrintList(const OutputOptions& o);

// One run: timeline, outcome record, verdict, the line that reproduces it.
void PrintRun(const check::CheckedScenario& scenario,
              const sim::RunReport& report, const OutputOptions& o);

// A finding as the explore and shrink commands print it in JSON.
nlohmann::json FindingJson(const harness::Finding& finding);
// The progress lines of a campaign (stderr), as findings come.
void PrintFindingFound(const harness::Finding& finding);
void PrintFindingShrunk(const harness::Finding& finding);

// A finished campaign: executions, rate and every finding.
void PrintCampaign(const harness::CampaignResult& result, double seconds,
                   const OutputOptions& o);

// The default job: which property each preset breaks, and the shortest
// reproducer of each (text only).
void PrintFindingsTable(const harness::CampaignResult& result, size_t scenarios,
                        double seconds);

// What replaying a corpus file found against what it expects.
struct Verdict {
  std::string differs;     // "" = the expected verdict
  std::string fixed_note;  // "" = no fixed version to check
  bool fixed_ok = true;    // the fixed version does not break the property
  bool ok() const { return differs.empty() && fixed_ok; }
};
// A replay of `entry` (`is_file`: a corpus file, with an expectation).
void PrintReplay(const harness::CorpusEntry& entry, bool is_file,
                 const check::CheckedScenario& scenario,
                 const sim::RunReport& report, const Verdict& verdict,
                 const OutputOptions& o);

}  // namespace cli

#endif  // HANGUP_CLI_OUTPUT_H_
