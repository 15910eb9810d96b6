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
#include "cli/matrix.h"
#include "cli/scenario_flags.h"
#include "models/corpus.h"
#include "models/explorer.h"
#include "models/properties.h"
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

models::CorpusEntry EntryFor(const models::Finding& f,
                             const models::ScenarioSpec& spec,
                             const CommonOptions& o) {
  models::CorpusEntry e;
  e.name = Sanitize(absl::StrCat(ShortName(spec), "-", f.violation.property,
                                 "-", f.violation.signature));
  e.title = f.violation.detail;
  e.link = "found by hangup explore";
  e.scenario = spec;
  e.tape = f.tape;
  e.expect_property = f.violation.property;
  e.expect_signature = f.violation.signature;
  e.trace_hash = sim::HashToString(f.trace_hash);
  nlohmann::json found = {{"strategy", o.strategy},
                          {"seed", o.seed},
                          {"run", f.run},
                          {"unshrunk_tape_bytes", f.original_tape.size()}};
  e.found_by = found.dump();
  return e;
}

class CliObserver : public models::ExploreObserver {
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

  void OnFinding(const models::Finding& f) override {
    ClearProgress();
    if (!quiet_) {
      std::fprintf(stderr,
                   "FINDING %s [%s] in %s (run %lld)\n  %s\n  reproduce "
                   "(unshrunk): hangup replay %s\n",
                   f.violation.property.c_str(), f.violation.signature.c_str(),
                   f.scenario.c_str(), static_cast<long long>(f.run),
                   f.violation.detail.c_str(), f.OriginalToken().c_str());
    }
    Write(f);
  }

  void OnShrunk(const models::Finding& f) override {
    ClearProgress();
    if (!quiet_) {
      std::fprintf(stderr,
                   "SHRUNK %s [%s]: tape %zu -> %zu bytes\n  reproduce: hangup "
                   "replay %s\n",
                   f.violation.property.c_str(), f.violation.signature.c_str(),
                   f.original_tape.size(), f.tape.size(), f.Token().c_str());
    }
    Write(f);
  }

  void OnProgress(int64_t executions, int64_t findings) override {
    executions_ = executions;
    findings_ = findings;
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

  bool ShouldStop() override {
    if (g_interrupted.load()) return true;
    return o_.time_seconds > 0 && Elapsed() > o_.time_seconds;
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
  std::vector<std::string> written() const { return written_; }

 private:
  void Write(const models::Finding& f) {
    if (o_.out_dir.empty()) return;
    const models::ScenarioSpec& spec = specs_.at(f.scenario);
    models::CorpusEntry e = EntryFor(f, spec, o_);
    std::filesystem::create_directories(o_.out_dir);
    const std::string path = absl::StrCat(o_.out_dir, "/", e.name, ".json");
    if (!WriteFileAtomically(path, models::CorpusToJson(e))) {
      std::fprintf(stderr, "hangup: cannot write %s\n", path.c_str());
      return;
    }
    written_.push_back(path);
  }

  const CommonOptions& o_;
  const std::map<std::string, models::ScenarioSpec>& specs_;
  bool quiet_;
  bool tty_ = false;
  bool printed_ = false;
  double last_print_ = -1;
  int64_t executions_ = 0, findings_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::string> written_;
};

struct Exploration {
  models::ExploreResult result;
  double seconds = 0;
};

absl::StatusOr<Exploration> RunExploration(
    const CommonOptions& o, const std::vector<models::ScenarioSpec>& scenarios,
    int64_t runs, bool quiet) {
  models::ExploreOptions opts;
  opts.scenarios = scenarios;
  const bool swarm = o.strategy == "swarm";
  absl::StatusOr<sim::StrategyOptions> strategy =
      sim::ParseStrategy(swarm ? "random" : o.strategy);
  if (!strategy.ok()) return strategy.status();
  opts.strategy = *strategy;
  opts.strategy.seed = o.seed;
  opts.swarm = swarm;
  opts.runs_per_scenario = runs;
  opts.jobs = o.jobs;
  opts.properties = PropertyOptionsFromFlags(o);
  opts.shrink = o.shrink;
  if (absl::Status s = models::ValidatePropertyNames(o.properties); !s.ok())
    return s;
  std::map<std::string, models::ScenarioSpec> specs;
  for (const models::ScenarioSpec& s : scenarios) specs[s.ToString()] = s;
  CliObserver observer(o, specs, quiet);
  g_interrupted.store(false);
  signal(SIGINT, OnSigint);
  Exploration out;
  out.result = models::Explore(opts, &observer);
  out.seconds = observer.Elapsed();
  observer.ClearProgress();
  signal(SIGINT, SIG_DFL);
  return out;
}

nlohmann::json FindingJson(const models::Finding& f) {
  return {{"property", f.violation.property},
          {"signature", f.violation.signature},
          {"detail", f.violation.detail},
          {"scenario", f.scenario},
          {"run", f.run},
          {"tape", sim::TapeToHex(f.tape)},
          {"tape_bytes", f.tape.size()},
          {"unshrunk_tape_bytes", f.original_tape.size()},
          {"trace_hash", sim::HashToString(f.trace_hash)},
          {"reproduce", absl::StrCat("hangup replay ", f.Token())}};
}

void PrintSummary(const Exploration& x, const CommonOptions& o) {
  const models::ExploreResult& r = x.result;
  if (o.json) {
    nlohmann::json j = {{"executions", r.executions},
                        {"seconds", x.seconds},
                        {"stopped_early", r.stopped},
                        {"findings", nlohmann::json::array()}};
    for (const models::Finding& f : r.findings)
      j["findings"].push_back(FindingJson(f));
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("\n%lld executions in %.1fs (%.0f/s)%s, %zu distinct findings\n",
              static_cast<long long>(r.executions), x.seconds,
              r.executions / std::max(x.seconds, 1e-9),
              r.stopped ? ", stopped early" : "", r.findings.size());
  for (const models::Finding& f : r.findings) {
    std::printf(
        "\n%s [%s]\n  scenario: %s\n  %s\n  found by run %lld; tape %zu "
        "bytes%s\n  reproduce: hangup replay %s\n",
        f.violation.property.c_str(), f.violation.signature.c_str(),
        f.scenario.c_str(), f.violation.detail.c_str(),
        static_cast<long long>(f.run), f.tape.size(),
        f.shrunk ? absl::StrCat(" (shrunk from ", f.original_tape.size(), ")")
                       .c_str()
                 : "",
        f.Token().c_str());
  }
}

// FILE or TOKEN -> entry (a token has no expectation).
absl::StatusOr<models::CorpusEntry> LoadTarget(const std::string& arg,
                                               bool* is_file) {
  *is_file = !absl::StartsWith(arg, "hangup1:");
  if (!*is_file) {
    absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Parse(arg);
    if (!token.ok()) return token.status();
    absl::StatusOr<models::ScenarioSpec> spec =
        models::ScenarioSpec::Parse(token->program);
    if (!spec.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("replay token program: ", spec.status().message()));
    }
    models::CorpusEntry e;
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
  return models::ParseCorpus(ss.str(), arg);
}

bool Contains(const std::vector<models::Violation>& v,
              const std::string& property, const std::string& signature) {
  for (const models::Violation& x : v) {
    if (x.property == property &&
        (signature.empty() || x.signature == signature))
      return true;
  }
  return false;
}

}  // namespace

int Explore(const CommonOptions& o) {
  absl::StatusOr<std::vector<models::ScenarioSpec>> scenarios =
      ScenariosFromFlags(o);
  if (!scenarios.ok()) {
    std::fprintf(stderr, "hangup explore: %s\n",
                 std::string(scenarios.status().message()).c_str());
    return 2;
  }
  int64_t runs = o.runs;
  if (runs <= 0) runs = o.time_seconds > 0 ? (int64_t{1} << 40) : 10000;
  absl::StatusOr<Exploration> x = RunExploration(o, *scenarios, runs, o.json);
  if (!x.ok()) {
    std::fprintf(stderr, "hangup explore: %s\n",
                 std::string(x.status().message()).c_str());
    return 2;
  }
  PrintSummary(*x, o);
  return x->result.findings.empty() ? 0 : 1;
}

int Replay(const CommonOptions& o) {
  if (o.args.size() != 1) {
    std::fprintf(
        stderr,
        "hangup replay: expected one corpus file or token (hangup1:...)\n");
    return 2;
  }
  bool is_file = false;
  absl::StatusOr<models::CorpusEntry> e = LoadTarget(o.args[0], &is_file);
  if (!e.ok()) {
    std::fprintf(stderr, "hangup replay: %s\n",
                 std::string(e.status().message()).c_str());
    return 2;
  }
  auto scenario = models::Scenario::Create(e->scenario);
  if (!scenario.ok()) {
    std::fprintf(stderr, "hangup replay: %s: %s\n", o.args[0].c_str(),
                 std::string(scenario.status().message()).c_str());
    return 2;
  }
  models::Scenario& s = **scenario;
  InstallChecker(s, o);
  sim::RunReport r =
      sim::ReplayTape(s, e->tape, s.executor_options(/*record_trace=*/true));
  const std::vector<models::Violation> violations = s.last_violations();
  std::string differs;
  if (is_file) {
    if (e->expect_property.empty() && !violations.empty()) {
      differs = absl::StrCat("expected no violation, got ",
                             violations.front().ToString());
    } else if (!e->expect_property.empty() &&
               !Contains(violations, e->expect_property, e->expect_signature)) {
      differs = absl::StrCat(
          "expected ", e->expect_property, " [", e->expect_signature, "], got ",
          violations.empty() ? "none" : violations.front().ToString());
    } else if (!e->trace_hash.empty() &&
               e->trace_hash != sim::HashToString(r.result.trace_hash)) {
      differs = absl::StrCat("expected trace hash ", e->trace_hash, ", got ",
                             sim::HashToString(r.result.trace_hash));
    }
  }
  std::string fixed_note;
  bool fixed_ok = true;
  if (is_file && !e->fixed_scenario.empty() && !e->expect_property.empty()) {
    auto fixed_spec = models::ScenarioSpec::Parse(e->fixed_scenario);
    std::vector<models::Violation> fv = models::ReplayViolations(
        *fixed_spec, e->tape, PropertyOptionsFromFlags(o));
    fixed_ok = !Contains(fv, e->expect_property, "");
    fixed_note = absl::StrCat(
        "fixed version (", e->fixed_scenario, "): ",
        fixed_ok ? absl::StrCat("no ", e->expect_property, " violation")
                 : absl::StrCat("STILL VIOLATES ", e->expect_property));
  }
  if (o.json) {
    nlohmann::json j = {
        {"name", e->name},
        {"scenario", s.Name()},
        {"trace_hash", sim::HashToString(r.result.trace_hash)},
        {"violations", nlohmann::json::array()},
        {"as_expected", differs.empty() && fixed_ok},
        {"outcome",
         nlohmann::json::parse(models::OutcomeToJson(s.last_outcome()))}};
    for (const models::Violation& v : violations) {
      j["violations"].push_back({{"property", v.property},
                                 {"signature", v.signature},
                                 {"detail", v.detail}});
    }
    if (!differs.empty()) j["differs"] = differs;
    if (!fixed_note.empty()) j["fixed"] = fixed_note;
    std::puts(j.dump(2).c_str());
  } else {
    if (is_file)
      std::printf("%s: %s\n  %s\n", e->name.c_str(), e->title.c_str(),
                  e->link.c_str());
    PrintRun(s, r, o);
    for (size_t i = 1; i < violations.size(); ++i) {
      std::printf("also: %s\n", violations[i].ToString().c_str());
    }
    if (!fixed_note.empty()) std::printf("%s\n", fixed_note.c_str());
    if (is_file) {
      std::printf("verdict: %s\n",
                  differs.empty() ? "as expected"
                                  : absl::StrCat("DIFFERS: ", differs).c_str());
    }
  }
  return differs.empty() && fixed_ok ? 0 : 1;
}

int Shrink(const CommonOptions& o) {
  if (o.args.size() != 1) {
    std::fprintf(
        stderr,
        "hangup shrink: expected one corpus file or token (hangup1:...)\n");
    return 2;
  }
  bool is_file = false;
  absl::StatusOr<models::CorpusEntry> e = LoadTarget(o.args[0], &is_file);
  if (!e.ok()) {
    std::fprintf(stderr, "hangup shrink: %s\n",
                 std::string(e.status().message()).c_str());
    return 2;
  }
  if (absl::Status st = models::Scenario::Create(e->scenario).status();
      !st.ok()) {
    std::fprintf(stderr, "hangup shrink: %s\n",
                 std::string(st.message()).c_str());
    return 2;
  }
  const models::PropertyOptions props = PropertyOptionsFromFlags(o);
  std::vector<models::Violation> v =
      models::ReplayViolations(e->scenario, e->tape, props);
  const models::Violation* target = nullptr;
  for (const models::Violation& x : v) {
    if (e->expect_property.empty() || x.property == e->expect_property) {
      target = &x;
      break;
    }
  }
  if (target == nullptr) {
    std::fprintf(stderr,
                 "hangup shrink: the tape violates %s: nothing to shrink\n",
                 e->expect_property.empty() ? "no property"
                                            : e->expect_property.c_str());
    return 1;
  }
  const std::string scenario = e->scenario.ToString();
  std::printf("%s\n  reproduce (unshrunk, %zu bytes): hangup replay %s\n",
              target->ToString().c_str(), e->tape.size(),
              sim::ReplayToken{scenario, e->tape}.Encode().c_str());
  sim::ShrinkResult s =
      models::ShrinkFinding(e->scenario, e->tape, *target, props, {});
  std::printf(
      "  reproduce (shrunk, %zu bytes, %lld replays): hangup replay %s\n",
      s.tape.size(), static_cast<long long>(s.attempts),
      sim::ReplayToken{scenario, s.tape}.Encode().c_str());
  if (!o.out_dir.empty()) {
    models::CorpusEntry out = *e;
    out.tape = s.tape;
    out.expect_property = target->property;
    out.expect_signature = target->signature;
    sim::RunReport r;
    models::ReplayViolations(e->scenario, s.tape, props, &r);
    out.trace_hash = sim::HashToString(r.result.trace_hash);
    if (out.name == "token")
      out.name =
          Sanitize(absl::StrCat(ShortName(e->scenario), "-", target->property));
    if (out.title.empty()) out.title = target->detail;
    if (out.link.empty()) out.link = "found by hangup";
    std::filesystem::create_directories(o.out_dir);
    const std::string path = absl::StrCat(o.out_dir, "/", out.name, ".json");
    if (!WriteFileAtomically(path, models::CorpusToJson(out))) {
      std::fprintf(stderr, "hangup shrink: cannot write %s\n", path.c_str());
      return 2;
    }
    std::printf("  written: %s\n", path.c_str());
  }
  return 0;
}

int DefaultJob(const CommonOptions& given) {
  CommonOptions o = given;
  if (o.jobs <= 1)
    o.jobs =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (o.time_seconds <= 0)
    o.time_seconds = 50;  // a safety net: the run budget ends it first
  const std::vector<models::ScenarioSpec> matrix = DefaultMatrix();
  const int64_t runs = o.runs > 0 ? o.runs : 1000;
  std::fprintf(stderr,
               "hangup: exploring the default matrix (%zu scenarios x %lld "
               "runs, strategy %s, seed "
               "%llu, %d jobs)\n",
               matrix.size(), static_cast<long long>(runs), o.strategy.c_str(),
               static_cast<unsigned long long>(o.seed), o.jobs);
  absl::StatusOr<Exploration> x =
      RunExploration(o, matrix, runs, /*quiet=*/true);
  if (!x.ok()) {
    std::fprintf(stderr, "hangup: %s\n",
                 std::string(x.status().message()).c_str());
    return 2;
  }
  const models::ExploreResult& r = x->result;
  if (o.json) {
    PrintSummary(*x, o);
    return 0;
  }
  // Which property each preset breaks.
  std::vector<std::string> props;
  for (const models::PropertyInfo& p : models::Properties())
    props.push_back(p.name);
  std::map<std::string, std::map<std::string, const models::Finding*>>
      best;  // preset -> prop
  for (const models::Finding& f : r.findings) {
    const std::string preset = models::ScenarioSpec::Parse(f.scenario)->server;
    const models::Finding*& slot = best[preset][f.violation.property];
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
      const models::Finding& f = *it->second;
      std::printf("\n%s breaks %s [%s]\n  %s\n  reproduce: hangup replay %s\n",
                  p.name.c_str(), prop.c_str(), f.violation.signature.c_str(),
                  f.violation.detail.c_str(), f.Token().c_str());
    }
  }
  return 0;
}

}  // namespace cli
