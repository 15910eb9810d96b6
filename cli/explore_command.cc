// hangup explore and the default job (hangup with no command): a campaign
// over one scenario or the default matrix, with a progress line, findings
// printed (and written under --out) as they come, Ctrl-C keeping them.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scenario_flags.h"
#include "harness/campaign.h"
#include "harness/corpus.h"
#include "harness/matrix.h"
#include "nlohmann/json.hpp"

namespace cli {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSigint(int) {
  if (g_interrupted.exchange(true)) {
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
  }
}

// --jobs, with 0 (the default) meaning one per core.
int Jobs(const CommonOptions& o) {
  if (o.jobs > 0) return o.jobs;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// How a finding was found, for its corpus file.
std::string FoundBy(const harness::Finding& f, const CommonOptions& o) {
  nlohmann::ordered_json found = {
      {"strategy", o.strategy},
      {"seed", o.seed},
      {"executions", f.run + 1},
      {"unshrunk_tape_bytes", f.original_tape.size()}};
  return found.dump();
}

class CliObserver : public harness::CampaignObserver {
 public:
  CliObserver(const CommonOptions& o,
              const std::map<std::string, harness::Target>& targets, bool quiet)
      : o_(o),
        targets_(targets),
        quiet_(quiet),
        start_(std::chrono::steady_clock::now()) {
    tty_ = o.progress && isatty(STDERR_FILENO);
  }

  void OnFinding(const harness::Finding& f) override {
    ClearProgress();
    if (!quiet_) PrintFindingFound(f);
    Write(f);
  }

  void OnShrunk(const harness::Finding& f) override {
    ClearProgress();
    if (!quiet_) PrintFindingShrunk(f);
    Write(f);
  }

  void OnProgress(int64_t executions, int64_t findings) override {
    if (!tty_) return;
    const double elapsed = Elapsed();
    if (elapsed - last_print_ < 0.25) return;
    last_print_ = elapsed;
    std::string left;
    if (o_.time_seconds > 0)
      left = absl::StrFormat(", %.0fs left",
                             std::max(0.0, o_.time_seconds - elapsed));
    std::fprintf(stderr, "\r%lld executions, %.0f/s, %lld findings%s   ",
                 static_cast<long long>(executions),
                 executions / std::max(elapsed, 1e-9),
                 static_cast<long long>(findings), left.c_str());
    std::fflush(stderr);
    printed_ = true;
  }

  // Ctrl-C aborts (no shrinking); the --time budget only stops the runs.
  harness::StopRequest ShouldStop() override {
    if (g_interrupted.load()) return harness::StopRequest::kAbort;
    if (o_.time_seconds > 0 && Elapsed() > o_.time_seconds)
      return harness::StopRequest::kStop;
    return harness::StopRequest::kNone;
  }

  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }
  void ClearProgress() {
    if (printed_) std::fprintf(stderr, "\r%80s\r", "");
    printed_ = false;
  }

  // Writes the finding's corpus file under --out (if given).
  void Write(const harness::Finding& f) {
    if (o_.out_dir.empty()) return;
    absl::StatusOr<std::string> path = harness::WriteCorpusFile(
        o_.out_dir,
        harness::CorpusEntryFor(f, targets_.at(f.scenario), FoundBy(f, o_)));
    if (!path.ok()) {
      std::fprintf(stderr, "hangup: %s\n",
                   std::string(path.status().message()).c_str());
    }
  }

 private:
  const CommonOptions& o_;
  const std::map<std::string, harness::Target>& targets_;
  bool quiet_;
  bool tty_ = false;
  bool printed_ = false;
  double last_print_ = -1;
  std::chrono::steady_clock::time_point start_;
};

struct Exploration {
  harness::CampaignResult result;
  double seconds = 0;
};

absl::StatusOr<harness::CampaignOptions> CampaignOptionsFromFlags(
    const CommonOptions& o, std::vector<harness::Target> targets,
    int64_t runs) {
  absl::StatusOr<sim::StrategyConfig> strategy = StrategyFromFlags(o);
  if (!strategy.ok()) return strategy.status();
  harness::CampaignOptions opts;
  opts.targets = std::move(targets);
  opts.strategy = *strategy;
  opts.seed = o.seed;
  opts.runs_per_scenario = runs;
  opts.jobs = Jobs(o);
  opts.shrink = o.shrink;
  return opts;
}

absl::StatusOr<Exploration> RunExploration(const CommonOptions& o,
                                           std::vector<harness::Target> targets,
                                           int64_t runs, bool quiet) {
  absl::StatusOr<harness::CampaignOptions> opts =
      CampaignOptionsFromFlags(o, std::move(targets), runs);
  if (!opts.ok()) return opts.status();
  std::map<std::string, harness::Target> by_program;
  for (const harness::Target& t : opts->targets) by_program[t.Program()] = t;
  CliObserver observer(o, by_program, quiet);
  g_interrupted.store(false);
  signal(SIGINT, OnSigint);
  Exploration out;
  out.result = harness::RunCampaign(*opts, &observer);
  out.seconds = observer.Elapsed();
  observer.ClearProgress();
  // Files are written as findings come, so that Ctrl-C loses none; but a
  // key first found by a later run than the one kept (another job got there
  // first) would stay in its file: write the final findings again.
  for (const harness::Finding& f : out.result.findings) observer.Write(f);
  signal(SIGINT, SIG_DFL);
  return out;
}

}  // namespace

int Explore(const CommonOptions& o) {
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return BadInput("explore", props.status());
  absl::StatusOr<std::vector<harness::Target>> targets =
      TargetsFromFlags(o, *props);
  if (!targets.ok()) return BadInput("explore", targets.status());
  int64_t runs = o.runs;
  if (runs <= 0) runs = o.time_seconds > 0 ? (int64_t{1} << 40) : 10000;
  absl::StatusOr<Exploration> x =
      RunExploration(o, *std::move(targets), runs, o.json);
  if (!x.ok()) return BadInput("explore", x.status());
  PrintCampaign(x->result, x->seconds, {.json = o.json});
  return x->result.findings.empty() ? 0 : 1;
}

int DefaultJob(const CommonOptions& given) {
  CommonOptions o = given;
  o.jobs = Jobs(o);
  if (o.time_seconds <= 0)
    o.time_seconds = 50;  // a safety net: the run budget ends it first
  const std::vector<models::ScenarioSpec> matrix = harness::DefaultMatrix();
  const int64_t runs = o.runs > 0 ? o.runs : 1000;
  std::fprintf(stderr,
               "hangup: exploring the default matrix (%zu scenarios x %lld "
               "runs, strategy %s, seed "
               "%llu, %d jobs)\n",
               matrix.size(), static_cast<long long>(runs), o.strategy.c_str(),
               static_cast<unsigned long long>(o.seed), o.jobs);
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return BadInput("", props.status());
  absl::StatusOr<Exploration> x =
      RunExploration(o, harness::Targets(matrix, *props), runs, /*quiet=*/true);
  if (!x.ok()) return BadInput("", x.status());
  if (o.json) {
    PrintCampaign(x->result, x->seconds, {.json = true});
    return 0;
  }
  PrintFindingsTable(x->result, matrix.size(), x->seconds);
  return 0;
}

}  // namespace cli
