// hangup replay and hangup shrink: both take one corpus file or replay
// token. replay reruns its tape and compares the verdict with the file's
// (exit 1 when it differs); shrink keeps the violation and shortens the tape.
#include <cstdio>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scenario_flags.h"
#include "harness/corpus.h"
#include "harness/findings.h"
#include "harness/scenario_file.h"
#include "nlohmann/json.hpp"
#include "sim/program.h"
#include "sim/trace.h"

namespace cli {
namespace {

// A token as an entry without an expectation.
absl::StatusOr<harness::CorpusEntry> EntryFromToken(const std::string& arg) {
  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Parse(arg);
  if (!token.ok()) return token.status();
  harness::CorpusEntry e;
  e.name = "token";
  e.tape = token->tape;
  if (harness::IsFileProgram(token->program)) {
    absl::StatusOr<harness::ScenarioFile> f =
        harness::ReadFileProgram(token->program);
    if (!f.ok()) return f.status();
    e.scenario = f->spec;
    e.scenario_file = f->text;
    e.properties = f->properties;
    e.program = token->program;
    return e;
  }
  absl::StatusOr<models::ScenarioSpec> spec =
      models::ScenarioSpec::Parse(token->program);
  if (!spec.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay token program: ", spec.status().message()));
  }
  e.scenario = *spec;
  return e;
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
  absl::StatusOr<harness::CorpusEntry> e =
      t.is_file ? harness::ReadCorpusFile(o.args[0])
                : EntryFromToken(o.args[0]);
  if (!e.ok()) return e.status();
  t.entry = *std::move(e);
  absl::StatusOr<check::PropertyOptions> props = PropertyOptionsFromFlags(o);
  if (!props.ok()) return props.status();
  t.properties = *std::move(props);
  const harness::Target target = harness::CorpusTarget(t.entry, t.properties);
  auto scenario = check::CheckedScenario::Create(target.spec, target.properties,
                                                 target.program);
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(o.args[0], ": ", scenario.status().message()));
  }
  t.scenario = *std::move(scenario);
  return t;
}

Verdict Judge(const Target& t, const sim::RunReport& r) {
  Verdict v;
  const harness::CorpusEntry& e = t.entry;
  if (!t.is_file) return v;
  v.differs =
      harness::CorpusMismatch(e, t.scenario->violations(), r.result.trace_hash);
  if (e.fixed_scenario.empty() || e.expect_property.empty()) return v;
  v.fixed_note = harness::FixedVersionMismatch(e, t.properties);
  v.fixed_ok = v.fixed_note.empty();
  if (v.fixed_ok) {
    v.fixed_note = absl::StrCat("fixed version (", e.fixed_scenario, "): no ",
                                e.expect_property, " violation");
  }
  return v;
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
    out.name = harness::FileSafeName(absl::StrCat(
        harness::ShortName(t.entry.scenario), "-", f.violation.property));
  }
  if (out.title.empty()) out.title = target.detail;
  if (out.link.empty()) out.link = "found by hangup";
  return out;
}

int NothingToShrink(const harness::CorpusEntry& e) {
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

void PrintShrunk(const harness::Finding& f, const harness::ShrunkFinding& s,
                 const std::string& written, const CommonOptions& o) {
  if (o.json) {
    nlohmann::json j = FindingJson(f);
    j.erase("run");
    j["replays"] = s.attempts;
    j["unshrunk_reproduce"] =
        harness::ReproduceLine(f.scenario, f.original_tape);
    if (!written.empty()) j["written"] = written;
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("  reproduce (shrunk, %zu bytes, %lld replays): %s\n",
              f.tape.size(), static_cast<long long>(s.attempts),
              harness::ReproduceLine(f.scenario, f.tape).c_str());
  if (!written.empty()) std::printf("  written: %s\n", written.c_str());
}

}  // namespace

int Replay(const CommonOptions& o) {
  absl::StatusOr<Target> t = LoadTarget(o);
  if (!t.ok()) return BadInput("replay", t.status());
  check::CheckedScenario& s = *t->scenario;
  const sim::RunReport r = sim::ReplayTape(
      s, t->entry.tape, s.executor_options(/*record_trace=*/true));
  const Verdict verdict = Judge(*t, r);
  PrintReplay(t->entry, t->is_file, s, r, verdict,
              {.json = o.json, .steps = o.steps});
  return verdict.ok() ? 0 : 1;
}

int Shrink(const CommonOptions& o) {
  absl::StatusOr<Target> t = LoadTarget(o);
  if (!t.ok()) return BadInput("shrink", t.status());
  const harness::CorpusEntry& e = t->entry;
  check::CheckedScenario& s = *t->scenario;
  sim::ReplayTape(s, e.tape, s.executor_options());
  const check::Violation* found = ShrinkTarget(e, s.violations());
  if (found == nullptr) return NothingToShrink(e);
  const check::Violation target = *found;
  if (!o.json) {
    std::printf("%s\n  reproduce (unshrunk, %zu bytes): %s\n",
                target.ToString().c_str(), e.tape.size(),
                harness::ReproduceLine(s.Name(), e.tape).c_str());
    std::fflush(stdout);
  }
  const harness::ShrunkFinding shrunk = harness::ShrinkFinding(
      harness::CorpusTarget(e, t->properties), e.tape, target, {});
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
        harness::WriteCorpusFile(o.out_dir, ShrunkEntry(*t, f, target));
    if (!path.ok()) return BadInput("shrink", path.status());
    written = *path;
  }
  PrintShrunk(f, shrunk, written, o);
  return 0;
}

}  // namespace cli
