// hangup explore, replay, shrink and the default job.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "cli/commands.h"
#include "harness/matrix.h"
#include "cli/scenario_flags.h"
#include "harness/corpus.h"
#include "harness/campaign.h"
#include "check/properties.h"
#include "nlohmann/json.hpp"
#include "sim/program.h"
#include "sim/tape_source.h"
#include "sim/trace.h"

namespace cli {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSigint(int) {
  if (g_interrupted.exchange(true)) {
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
  }
}

// Writes `content` to `path` so that a reader sees the old file or the new
// one, never a part: a temporary file in the same directory, then rename.
bool WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    out.flush();
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::string Sanitize(std::string s) {
  for (char& c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
      c = '_';
  }
  return s;
}

std::string ShortName(const models::ScenarioSpec& spec) {
  std::string out = spec.server;
  for (const std::string& m : spec.middleware) absl::StrAppend(&out, "+", m);
  absl::StrAppend(&out, "-", spec.app, "-", spec.client);
  return out;
}

harness::CorpusEntry EntryFor(const harness::Finding& f,
                             const models::ScenarioSpec& spec,
                             const CommonOptions& o) {
  harness::CorpusEntry e;
  e.name = Sanitize(absl::StrCat(ShortName(spec), "-", f.violation.property,
                                 "-", f.violation.signature));
  e.title = f.violation.detail;
  e.link = "found by hangup explore";
  e.scenario = spec;
  e.tape = f.tape;
  e.expect_property = f.violation.property;
  e.expect_signature = f.violation.signature;
  e.trace_hash = sim::HashToString(f.trace_hash);
  nlohmann::ordered_json found = {
      {"strategy", o.strategy},
      {"seed", o.seed},
      {"executions", f.run + 1},
      {"unshrunk_tape_bytes", f.original_tape.size()}};
  e.found_by = found.dump();
  return e;
}

// Writes `e` to DIR/<name>.json (creating DIR); returns the path.
absl::StatusOr<std::string> WriteEntry(const std::string& dir,
                                       const harness::CorpusEntry& e) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = absl::StrCat(dir, "/", e.name, ".json");
  if (!WriteFileAtomically(path, harness::CorpusToJson(e))) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return path;
}

// --jobs, with 0 (the default) meaning one per core.
int Jobs(const CommonOptions& o) {
  if (o.jobs > 0) return o.jobs;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

class CliObserver : public harness::CampaignObserver {
 public:
  CliObserver(const CommonOptions& o,
              const std::map<std::string, models::ScenarioSpec>& specs,
              bool quiet)
      : o_(o),
        specs_(specs),
        quiet_(quiet),
        start_(std::chrono::steady_clock::now()) {
    tty_ = o.progress && isatty(STDERR_FILENO);
  }

  void OnFinding(const harness::Finding& f) override {
    ClearProgress();
    if (!quiet_) {
      std::fprintf(stderr,
                   "FINDING %s [%s] in %s (run %lld)\n  %s\n  reproduce "
                   "(unshrunk): %s\n",
                   f.violation.property.c_str(), f.violation.signature.c_str(),
                   f.scenario.c_str(), static_cast<long long>(f.run),
                   f.violation.detail.c_str(),
                   harness::ReproduceLine(f.scenario, f.original_tape).c_str());
    }
    Write(f);
  }

  void OnShrunk(const harness::Finding& f) override {
    ClearProgress();
    if (!quiet_) {
      std::fprintf(stderr,
                   "SHRUNK %s [%s]: tape %zu -> %zu bytes\n  reproduce: %s\n",
                   f.violation.property.c_str(), f.violation.signature.c_str(),
                   f.original_tape.size(), f.tape.size(),
                   harness::ReproduceLine(f.scenario, f.tape).c_str());
    }
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
    absl::StatusOr<std::string> path =
        WriteEntry(o_.out_dir, EntryFor(f, specs_.at(f.scenario), o_));
    if (!path.ok()) {
      std::fprintf(stderr, "hangup: %s\n",
                   std::string(path.status().message()).c_str());
    }
  }

 private:
  const CommonOptions& o_;
  const std::map<std::string, models::ScenarioSpec>& specs_;
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

absl::StatusOr<Exploration> RunExploration(
    const CommonOptions& o, const std::vector<models::ScenarioSpec>& scenarios,
    int64_t runs, bool quiet) {
  absl::StatusOr<Strategy> strategy = StrategyFromFlags(o);
  if (!strategy.ok()) return strategy.status();
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return props.status();
  harness::CampaignOptions opts;
  opts.scenarios = scenarios;
  opts.strategy = strategy->options;
  opts.swarm = strategy->swarm;
  opts.runs_per_scenario = runs;
  opts.jobs = Jobs(o);
  opts.properties = *std::move(props);
  opts.shrink = o.shrink;
  std::map<std::string, models::ScenarioSpec> specs;
  for (const models::ScenarioSpec& s : scenarios) specs[s.ToString()] = s;
  CliObserver observer(o, specs, quiet);
  g_interrupted.store(false);
  signal(SIGINT, OnSigint);
  Exploration out;
  out.result = harness::RunCampaign(opts, &observer);
  out.seconds = observer.Elapsed();
  observer.ClearProgress();
  // Files are written as findings come, so that Ctrl-C loses none; but a
  // key first found by a later run than the one kept (another job got there
  // first) would stay in its file: write the final findings again.
  for (const harness::Finding& f : out.result.findings) observer.Write(f);
  signal(SIGINT, SIG_DFL);
  return out;
}

nlohmann::json FindingJson(const harness::Finding& f) {
  return {{"property", f.violation.property},
          {"signature", f.violation.signature},
          {"detail", f.violation.detail},
          {"scenario", f.scenario},
          {"run", f.run},
          {"tape", sim::TapeToHex(f.tape)},
          {"tape_bytes", f.tape.size()},
          {"unshrunk_tape_bytes", f.original_tape.size()},
          {"shrunk", f.shrunk},
          {"trace_hash", sim::HashToString(f.trace_hash)},
          {"reproduce", harness::ReproduceLine(f.scenario, f.tape)}};
}

void PrintSummary(const Exploration& x, const CommonOptions& o) {
  const harness::CampaignResult& r = x.result;
  if (o.json) {
    nlohmann::json j = {{"executions", r.executions},
                        {"seconds", x.seconds},
                        {"stopped_early", r.stopped},
                        {"findings", nlohmann::json::array()}};
    for (const harness::Finding& f : r.findings)
      j["findings"].push_back(FindingJson(f));
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("\n%lld executions in %.1fs (%.0f/s)%s, %zu distinct findings\n",
              static_cast<long long>(r.executions), x.seconds,
              r.executions / std::max(x.seconds, 1e-9),
              r.stopped ? ", stopped early" : "", r.findings.size());
  for (const harness::Finding& f : r.findings) {
    std::printf(
        "\n%s [%s]\n  scenario: %s\n  %s\n  found by run %lld; tape %zu "
        "bytes%s\n  reproduce: %s\n",
        f.violation.property.c_str(), f.violation.signature.c_str(),
        f.scenario.c_str(), f.violation.detail.c_str(),
        static_cast<long long>(f.run), f.tape.size(),
        f.shrunk ? absl::StrCat(" (shrunk from ", f.original_tape.size(), ")")
                       .c_str()
                 : "",
        harness::ReproduceLine(f.scenario, f.tape).c_str());
  }
}

// FILE or TOKEN -> entry (a token has no expectation).
absl::StatusOr<harness::CorpusEntry> ReadTarget(const std::string& arg,
                                               bool is_file) {
  if (!is_file) {
    absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Parse(arg);
    if (!token.ok()) return token.status();
    absl::StatusOr<models::ScenarioSpec> spec =
        models::ScenarioSpec::Parse(token->program);
    if (!spec.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("replay token program: ", spec.status().message()));
    }
    harness::CorpusEntry e;
    e.name = "token";
    e.scenario = *spec;
    e.tape = token->tape;
    return e;
  }
  std::ifstream in(arg, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(arg,
                     ": cannot read (expected a corpus file or a token "
                     "starting with hangup1:)"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return harness::ParseCorpus(ss.str(), arg);
}

// The one FILE|TOKEN argument of replay and shrink, ready to replay.
struct Target {
  harness::CorpusEntry entry;
  bool is_file = false;  // a corpus file, with an expectation; not a token
  check::PropertyOptions properties;
  std::unique_ptr<check::CheckedScenario> scenario;  // checking `properties`
};

// An error (bad input, exit 2) names what is wrong.
absl::StatusOr<Target> LoadTarget(const CommonOptions& o) {
  if (o.args.size() != 1) {
    return absl::InvalidArgumentError(
        "expected one corpus file or token (hangup1:...)");
  }
  Target t;
  t.is_file = !absl::StartsWith(o.args[0], "hangup1:");
  absl::StatusOr<harness::CorpusEntry> e = ReadTarget(o.args[0], t.is_file);
  if (!e.ok()) return e.status();
  t.entry = *std::move(e);
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return props.status();
  t.properties = *std::move(props);
  auto scenario =
      check::CheckedScenario::Create(t.entry.scenario, t.properties);
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(o.args[0], ": ", scenario.status().message()));
  }
  t.scenario = *std::move(scenario);
  return t;
}

// What replaying a corpus file found against what it expects.
struct Verdict {
  std::string differs;     // "" = the expected verdict
  std::string fixed_note;  // "" = no fixed version to check
  bool fixed_ok = true;    // the fixed version does not break the property
  bool ok() const { return differs.empty() && fixed_ok; }
};

Verdict Judge(const Target& t, const sim::RunReport& r) {
  Verdict v;
  const harness::CorpusEntry& e = t.entry;
  if (!t.is_file) return v;
  v.differs = harness::CorpusMismatch(e, t.scenario->violations(),
                                     r.result.trace_hash);
  if (e.fixed_scenario.empty() || e.expect_property.empty()) return v;
  v.fixed_note = harness::FixedVersionMismatch(e, t.properties);
  v.fixed_ok = v.fixed_note.empty();
  if (v.fixed_ok) {
    v.fixed_note = absl::StrCat("fixed version (", e.fixed_scenario, "): no ",
                                e.expect_property, " violation");
  }
  return v;
}

void PrintReplay(const Target& t, const sim::RunReport& r, const Verdict& v,
                 const CommonOptions& o) {
  const check::CheckedScenario& s = *t.scenario;
  const harness::CorpusEntry& e = t.entry;
  const std::vector<check::Violation>& violations = s.violations();
  if (o.json) {
    nlohmann::json j = {
        {"name", e.name},
        {"scenario", s.Name()},
        {"trace_hash", sim::HashToString(r.result.trace_hash)},
        {"violations", nlohmann::json::array()},
        {"as_expected", v.ok()},
        {"outcome",
         nlohmann::json::parse(models::OutcomeToJson(s.outcome()))}};
    for (const check::Violation& x : violations) {
      j["violations"].push_back({{"property", x.property},
                                 {"signature", x.signature},
                                 {"detail", x.detail}});
    }
    if (!v.differs.empty()) j["differs"] = v.differs;
    if (!v.fixed_note.empty()) j["fixed"] = v.fixed_note;
    std::puts(j.dump(2).c_str());
    return;
  }
  if (t.is_file)
    std::printf("%s: %s\n  %s\n", e.name.c_str(), e.title.c_str(),
                e.link.c_str());
  PrintRun(s, r, o);
  for (size_t i = 1; i < violations.size(); ++i) {
    std::printf("also: %s\n", violations[i].ToString().c_str());
  }
  if (!v.fixed_note.empty()) std::printf("%s\n", v.fixed_note.c_str());
  if (t.is_file) {
    std::printf("verdict: %s\n",
                v.differs.empty()
                    ? "as expected"
                    : absl::StrCat("DIFFERS: ", v.differs).c_str());
  }
}

// The violation shrinking keeps: the first the entry expects (any, for a
// token or an entry that expects none).
const check::Violation* ShrinkTarget(const harness::CorpusEntry& e,
                                      const std::vector<check::Violation>& v) {
  for (const check::Violation& x : v) {
    if (e.expect_property.empty() ||
        check::HasViolation({x}, e.expect_property, e.expect_signature))
      return &x;
  }
  return nullptr;
}

// The corpus file of a shrunk tape: the entry's, with the tape, expectation
// and trace hash replaced (a token gets a name, title and link).
harness::CorpusEntry ShrunkEntry(const Target& t, const harness::Finding& f,
                                const check::Violation& target) {
  harness::CorpusEntry out = t.entry;
  out.tape = f.tape;
  out.expect_property = f.violation.property;
  out.expect_signature = f.violation.signature;
  out.trace_hash = sim::HashToString(f.trace_hash);
  if (!t.is_file) {
    out.name = Sanitize(
        absl::StrCat(ShortName(t.entry.scenario), "-", f.violation.property));
  }
  if (out.title.empty()) out.title = target.detail;
  if (out.link.empty()) out.link = "found by hangup";
  return out;
}

}  // namespace

int Explore(const CommonOptions& o) {
  absl::StatusOr<std::vector<models::ScenarioSpec>> scenarios =
      ScenariosFromFlags(o);
  if (!scenarios.ok()) return BadInput("explore", scenarios.status());
  int64_t runs = o.runs;
  if (runs <= 0) runs = o.time_seconds > 0 ? (int64_t{1} << 40) : 10000;
  absl::StatusOr<Exploration> x = RunExploration(o, *scenarios, runs, o.json);
  if (!x.ok()) return BadInput("explore", x.status());
  PrintSummary(*x, o);
  return x->result.findings.empty() ? 0 : 1;
}

int Replay(const CommonOptions& o) {
  absl::StatusOr<Target> t = LoadTarget(o);
  if (!t.ok()) return BadInput("replay", t.status());
  check::CheckedScenario& s = *t->scenario;
  const sim::RunReport r = sim::ReplayTape(
      s, t->entry.tape, s.executor_options(/*record_trace=*/true));
  const Verdict verdict = Judge(*t, r);
  PrintReplay(*t, r, verdict, o);
  return verdict.ok() ? 0 : 1;
}

int Shrink(const CommonOptions& o) {
  absl::StatusOr<Target> t = LoadTarget(o);
  if (!t.ok()) return BadInput("shrink", t.status());
  const harness::CorpusEntry& e = t->entry;
  check::CheckedScenario& s = *t->scenario;
  sim::ReplayTape(s, e.tape, s.executor_options());
  const check::Violation* found = ShrinkTarget(e, s.violations());
  if (found == nullptr) {
    const std::string what =
        e.expect_property.empty()
            ? "violates no property"
            : absl::StrCat(
                  "does not violate ", e.expect_property, " [",
                  e.expect_signature.empty() ? "any" : e.expect_signature, "]");
    std::fprintf(stderr, "hangup shrink: the tape %s: nothing to shrink\n",
                 what.c_str());
    return 1;
  }
  const check::Violation target = *found;
  if (!o.json) {
    std::printf("%s\n  reproduce (unshrunk, %zu bytes): %s\n",
                target.ToString().c_str(), e.tape.size(),
                harness::ReproduceLine(s.Name(), e.tape).c_str());
    std::fflush(stdout);
  }
  const harness::ShrunkFinding shrunk =
      harness::ShrinkFinding(e.scenario, e.tape, target, t->properties, {});
  harness::Finding f;
  f.violation = shrunk.violation;
  f.scenario = s.Name();
  f.original_tape = e.tape;
  f.tape = shrunk.tape;
  f.trace_hash = shrunk.trace_hash;
  f.shrunk = true;
  std::string written;
  if (!o.out_dir.empty()) {
    absl::StatusOr<std::string> path =
        WriteEntry(o.out_dir, ShrunkEntry(*t, f, target));
    if (!path.ok()) return BadInput("shrink", path.status());
    written = *path;
  }
  if (o.json) {
    nlohmann::json j = FindingJson(f);
    j.erase("run");
    j["replays"] = shrunk.attempts;
    j["unshrunk_reproduce"] = harness::ReproduceLine(f.scenario, e.tape);
    if (!written.empty()) j["written"] = written;
    std::puts(j.dump(2).c_str());
    return 0;
  }
  std::printf("  reproduce (shrunk, %zu bytes, %lld replays): %s\n",
              f.tape.size(), static_cast<long long>(shrunk.attempts),
              harness::ReproduceLine(f.scenario, f.tape).c_str());
  if (!written.empty()) std::printf("  written: %s\n", written.c_str());
  return 0;
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
  absl::StatusOr<Exploration> x =
      RunExploration(o, matrix, runs, /*quiet=*/true);
  if (!x.ok()) return BadInput("", x.status());
  const harness::CampaignResult& r = x->result;
  if (o.json) {
    PrintSummary(*x, o);
    return 0;
  }
  // Which property each preset breaks.
  std::vector<std::string> props;
  for (const check::PropertyInfo& p : check::Properties())
    props.push_back(p.name);
  std::map<std::string, std::map<std::string, const harness::Finding*>>
      best;  // preset -> prop
  for (const harness::Finding& f : r.findings) {
    const std::string preset = models::ScenarioSpec::Parse(f.scenario)->server;
    const harness::Finding*& slot = best[preset][f.violation.property];
    if (slot == nullptr || f.tape.size() < slot->tape.size()) slot = &f;
  }
  std::printf("%lld executions of %zu scenarios in %.1fs (%.0f/s)%s\n\n",
              static_cast<long long>(r.executions), matrix.size(), x->seconds,
              r.executions / std::max(x->seconds, 1e-9),
              r.stopped ? ", stopped early" : "");
  std::printf("%-26s", "preset \\ property");
  for (size_t i = 0; i < props.size(); ++i) std::printf(" %3zu", i + 1);
  std::printf("\n");
  for (const models::Preset& p : models::Presets()) {
    std::printf("%-26s", p.name.c_str());
    for (const std::string& prop : props) {
      std::printf(" %3s", best[p.name].count(prop) ? "X" : ".");
    }
    std::printf("\n");
  }
  std::printf("\nproperties: ");
  for (size_t i = 0; i < props.size(); ++i)
    std::printf("%s%zu %s", i ? ", " : "", i + 1, props[i].c_str());
  std::printf("\n\nshortest reproducer per preset and property:\n");
  for (const models::Preset& p : models::Presets()) {
    for (const std::string& prop : props) {
      auto it = best[p.name].find(prop);
      if (it == best[p.name].end()) continue;
      const harness::Finding& f = *it->second;
      std::printf("\n%s breaks %s [%s]\n  %s\n  reproduce: %s\n",
                  p.name.c_str(), prop.c_str(), f.violation.signature.c_str(),
                  f.violation.detail.c_str(),
                  harness::ReproduceLine(f.scenario, f.tape).c_str());
    }
  }
  return 0;
}

}  // namespace cli
