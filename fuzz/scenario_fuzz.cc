// libFuzzer target: the input is a decision tape (STYLE.md item 23).
//
// Input: byte 0 picks one of a fixed list of ~40 scenarios
// (fuzz/fuzz_input.cc: the corpus's scenarios, current releases under
// random closes, the reference servers); the rest is the tape that
// sim::ReplayTape reads every scheduling, delay, fault and pick choice from.
// Past its end the tape reads as zeros (the simplest choice) rather than
// falling back to a PRNG, so the input file is the replay token and nothing
// else: `hangup replay hangup1:<spec>:<hex of bytes 1..>` replays it. The
// list is append-only, which keeps the meaning of inputs whose byte 0 is
// below its size; larger values are taken modulo the size and are remapped
// when it grows (fuzz/fuzz_input.h).
//
// Every run is checked against every property (check::CheckedScenario with the
// default bounds). A violation is reported only when it is new: neither the
// scenario's all-zero tape nor its listed known tapes (its corpus entries')
// break the same property with the same signature (computed once per
// scenario on the first input and cached in a static runner, see
// fuzz/fuzz_runner.h). Real servers break properties on their simplest runs;
// a fuzzer stopping on those would find nothing else, so this one hunts for
// violations that need a specific interleaving. A new violation prints the
// violation and its one-line reproducer to stderr and aborts, which is how
// libFuzzer records a crash; with HANGUP_FUZZ_KEEP_GOING set in the environment
// it prints each new (property, scenario, signature) once, counts, and goes on.
//
//   scripts/build.sh fuzz        # also writes build/fuzz/seeds/scenario_fuzz
//   build/fuzz/fuzz/scenario_fuzz -max_total_time=60 WORK_DIR SEEDS_DIR
//   scripts/fuzz_smoke.sh 20     # the same, and a report with reproducers
//   build/gcc/fuzz/scenario_fuzz_replay corpus/ crash-...  # no libFuzzer
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/fuzz_runner.h"
#include "fuzz/replay_driver.h"
#include "harness/findings.h"
#include "sim/check.h"
#include "sim/program.h"
#include "sim/tape_source.h"

namespace {

fuzz::ScenarioRunner& Runner() {
  static fuzz::ScenarioRunner* runner = new fuzz::ScenarioRunner();
  return *runner;
}

// HANGUP_FUZZ_KEEP_GOING: runs with new violations, by key.
struct KeepGoing {
  bool enabled = std::getenv("HANGUP_FUZZ_KEEP_GOING") != nullptr;
  int64_t runs = 0;
  std::map<std::string, int64_t> keys;  // property|scenario|signature
};

KeepGoing& Stats() {
  static KeepGoing* stats = [] {
    auto* s = new KeepGoing();
    if (s->enabled) {
      std::atexit([] {
        std::fprintf(stderr,
                     "hangup fuzz: %lld runs with new violations, %zu "
                     "distinct (property, scenario, signature)\n",
                     static_cast<long long>(Stats().runs), Stats().keys.size());
      });
    }
    return s;
  }();
  return *stats;
}

void PrintNew(const fuzz::ScenarioRunner::Run& run, const check::Violation& v) {
  std::fprintf(stderr,
               "NEW VIOLATION (not broken by this scenario's all-zero or "
               "known tapes): %s\n  scenario: %s\n  reproduce: %s\n",
               v.ToString().c_str(), run.scenario.c_str(),
               run.Reproducer().c_str());
}

class ScenarioTarget : public fuzz::ReplayTarget {
 public:
  std::optional<std::vector<uint8_t>> InputFor(
      const harness::CorpusEntry& entry) override {
    std::optional<size_t> index = fuzz::FindFuzzScenario(entry.scenario);
    if (!index) return std::nullopt;
    return fuzz::EncodeFuzzInput(*index, entry.tape);
  }

  fuzz::CorpusReplay Replay(const harness::CorpusEntry& entry) override {
    fuzz::CorpusReplay out;
    if (std::optional<std::vector<uint8_t>> input = InputFor(entry)) {
      fuzz::ScenarioRunner::Run run = Runner().RunInput(*input);
      out.violations = std::move(run.violations);
      out.fresh = std::move(run.fresh);
      out.trace_hash = run.report.result.trace_hash;
      out.route = absl::StrCat("fuzz input ", sim::TapeToHex(*input));
      return out;
    }
    absl::StatusOr<harness::Replayed> replayed = harness::ReplaySpec(
        entry.scenario, entry.tape, check::PropertyOptions{});
    SIM_CHECK(replayed.ok())
        << entry.name << ": " << replayed.status().message();
    out.violations = std::move(replayed->violations);
    out.trace_hash = replayed->report.result.trace_hash;
    out.route = "direct replay (scenario not in the fuzz list)";
    return out;
  }

  std::string ReplayCommand(absl::Span<const uint8_t> input) override {
    const fuzz::FuzzInput in = fuzz::DecodeFuzzInput(input);
    std::vector<uint8_t> tape = in.tape;
    sim::TrimTape(tape);
    return harness::ReproduceLine(fuzz::FuzzScenarios()[in.scenario].spec,
                                  tape);
  }

  std::vector<fuzz::Seed> BaseSeeds() override {
    std::vector<fuzz::Seed> out;
    for (size_t i = 0; i < fuzz::FuzzScenarios().size(); ++i) {
      out.push_back(
          {absl::StrFormat("scenario-%03d", i), fuzz::EncodeFuzzInput(i, {})});
    }
    return out;
  }
};

}  // namespace

fuzz::ReplayTarget& fuzz::GetReplayTarget() {
  static ScenarioTarget* target = new ScenarioTarget();
  return *target;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  KeepGoing& stats = Stats();
  fuzz::ScenarioRunner::Run run = Runner().RunInput({data, size});
  if (run.fresh.empty()) return 0;
  if (!stats.enabled) {
    for (const check::Violation& v : run.fresh) PrintNew(run, v);
    std::abort();
  }
  ++stats.runs;
  for (const check::Violation& v : run.fresh) {
    const std::string key =
        absl::StrCat(v.property, "|", run.scenario, "|", v.signature);
    if (stats.keys[key]++ == 0) PrintNew(run, v);
  }
  return 0;
}
