// Every corpus file replays to its expected verdict and trace hash, its
// fixed version (where one exists) does not break the property on the same
// tape, and exploration finds the bug (every file that expects one) from
// scratch within 10,000 executions with the default strategy.
#include "harness/corpus.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "harness/campaign.h"
#include "harness/scenario_file.h"
#include "sim/trace.h"

namespace harness {
namespace {

using check::HasViolation;
using check::PropertyOptions;
using check::Violation;
using models::ScenarioSpec;

std::vector<std::filesystem::path> CorpusFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(
           std::string(HANGUP_SOURCE_DIR) + "/corpus")) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

CorpusEntry Load(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto e = ParseCorpus(ss.str(), path.filename().string());
  if (!e.ok()) {
    ADD_FAILURE() << e.status();
    return CorpusEntry{};  // replays nothing: its caller's checks fail
  }
  return *e;
}

TEST(Corpus, HoldsAtLeastFourteenBugs) { EXPECT_GE(CorpusFiles().size(), 14u); }

TEST(Corpus, EveryFileReplaysItsVerdictAndTraceHash) {
  for (const auto& path : CorpusFiles()) {
    SCOPED_TRACE(path.filename().string());
    CorpusEntry e = Load(path);
    EXPECT_EQ(e.name + ".json", path.filename().string());
    EXPECT_FALSE(e.trace_hash.empty());
    absl::StatusOr<Replayed> r =
        ReplaySpec(e.scenario, e.tape, PropertyOptions{});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(CorpusMismatch(e, r->violations, r->report.result.trace_hash),
              "");
    EXPECT_EQ(FixedVersionMismatch(e, PropertyOptions{}), "");
  }
}

TEST(Corpus, ExplorationFindsEveryBugWithin10000Executions) {
  for (const auto& path : CorpusFiles()) {
    SCOPED_TRACE(path.filename().string());
    CorpusEntry e = Load(path);
    if (e.expect_property.empty()) continue;  // expects no violation
    CampaignOptions opts;
    check::PropertyOptions properties;
    opts.runs_per_scenario = 10000;
    absl::StatusOr<check::PropertySet> only =
        check::PropertySet::FromNames({e.expect_property});
    ASSERT_TRUE(only.ok()) << only.status();
    properties.only = *only;
    opts.targets = Targets({e.scenario}, properties);
    opts.shrink = false;
    // Stop at the first finding of the expected kind.
    struct Stop : CampaignObserver {
      std::string property, signature;
      bool found = false;
      void OnFinding(const Finding& f) override {
        found |= HasViolation({f.violation}, property, signature);
      }
      StopRequest ShouldStop() override {
        return found ? StopRequest::kStop : StopRequest::kNone;
      }
    } stop;
    stop.property = e.expect_property;
    stop.signature = e.expect_signature;
    RunCampaign(opts, &stop);
    EXPECT_TRUE(stop.found);
  }
}

// A corpus file naming what does not exist fails to parse, with the field.
TEST(Corpus, UnknownNamesAreErrorsNamingTheField) {
  const std::string good =
      R"({"format": "hangup-corpus/1", "name": "n", "title": "t", "link": "l",
          "scenario": "server=ref-noop,app=sse-stream,client=http-full",
          "tape": "", "expect": {"property": "zombie"}})";
  ASSERT_TRUE(ParseCorpus(good, "f.json").ok());
  auto with = [&](absl::string_view from, absl::string_view to) {
    return ParseCorpus(absl::StrReplaceAll(good, {{from, to}}), "f.json");
  };
  auto server = with("server=ref-noop", "server=ref-nope");
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "f.json: field 'scenario': unknown server "
                                "'ref-nope'"))
      << server.status();
  auto property = with("\"zombie\"", "\"zombies\"");
  ASSERT_FALSE(property.ok());
  EXPECT_TRUE(absl::StrContains(
      property.status().message(),
      "f.json: field 'expect.property': unknown property 'zombies'"))
      << property.status();
  auto fixed = with(
      "\"tape\"", "\"fixed_scenario\": \"server=x,app=y,client=z\", \"tape\"");
  ASSERT_FALSE(fixed.ok());
  EXPECT_TRUE(absl::StrContains(fixed.status().message(),
                                "field 'fixed_scenario': unknown server 'x'"))
      << fixed.status();
}

TEST(Corpus, MismatchSaysWhatDiffers) {
  CorpusEntry e;
  e.expect_property = "zombie";
  e.expect_signature = "running";
  e.trace_hash = sim::HashToString(7);
  const Violation running{"zombie", "running", "d"};
  EXPECT_EQ(CorpusMismatch(e, {running}, 7), "");
  EXPECT_EQ(CorpusMismatch(e, {}, 7),
            "expected zombie [running], got no violation");
  EXPECT_EQ(CorpusMismatch(e, {{"zombie", "late-end", "d"}}, 7),
            "expected zombie [running], got zombie [late-end]");
  EXPECT_EQ(CorpusMismatch(e, {running}, 8),
            absl::StrCat("expected trace hash ", sim::HashToString(7), ", got ",
                         sim::HashToString(8)));
  e.expect_signature = "";
  EXPECT_EQ(CorpusMismatch(e, {{"zombie", "late-end", "d"}}, 7), "");
  CorpusEntry none;  // {"property": null}, no trace hash
  EXPECT_EQ(CorpusMismatch(none, {}, 7), "");
  EXPECT_EQ(CorpusMismatch(none, {running}, 7),
            "expected no violation, got zombie [running]");
  EXPECT_EQ(FixedVersionMismatch(none, PropertyOptions{}), "");
}

TEST(Corpus, BadFilesGetErrorsNamingTheFieldAndWhatWasExpected) {
  auto missing =
      ParseCorpus(R"({"format": "hangup-corpus/1", "name": "x"})", "x.json");
  EXPECT_TRUE(
      absl::StrContains(missing.status().message(), "x.json: field 'title'"));
  auto bad_tape = ParseCorpus(
      R"({"format": "hangup-corpus/1", "name": "x", "title": "t", "link": "l",
          "scenario": "server=ref-noop,app=sse-stream,client=http-full", "tape": "zz",
          "expect": {"property": null}})",
      "x.json");
  EXPECT_TRUE(absl::StrContains(bad_tape.status().message(), "field 'tape'"));
  auto bad_version = ParseCorpus(R"({"format": "hangup-corpus/9"})", "x.json");
  EXPECT_TRUE(
      absl::StrContains(bad_version.status().message(), "hangup-corpus/1"));
  auto not_json = ParseCorpus("{nope", "x.json");
  EXPECT_TRUE(
      absl::StrContains(not_json.status().message(), "not valid JSON at byte"));
  auto bad_scenario = ParseCorpus(
      R"({"format": "hangup-corpus/1", "name": "x", "title": "t", "link": "l",
          "scenario": "server", "tape": "", "expect": {"property": null}})",
      "x.json");
  EXPECT_TRUE(
      absl::StrContains(bad_scenario.status().message(), "field 'scenario'"));
}

TEST(Corpus, EntriesRoundTrip) {
  for (const auto& path : CorpusFiles()) {
    CorpusEntry e = Load(path);
    auto again = ParseCorpus(CorpusToJson(e), "again.json");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(CorpusToJson(*again), CorpusToJson(e));
  }
}

// A finding on a scenario file whose app and client are written inline
// becomes a corpus entry that replays from its embedded file alone: the
// one-line scenario names the programs "inline", which the catalog does not
// know, so the entry must be built from the file.
TEST(Corpus, AnEntryWithInlineProgramsReplaysFromItsEmbeddedFile) {
  const std::string text = R"(format: hangup-scenario/1
name: inline-push
server: uvicorn-0.17.6-websockets
app:
  steps:
    - receive
    - send: {type: websocket.accept}
    - repeat: 20
      steps:
        - send: {type: websocket.send}
        - sleep: 10ms
client:
  steps:
    - upgrade
    - read: {messages: 1}
    - close: frame
      code: 4001
properties: [foreign-exception]
)";
  const std::string path = "corpus_test_inline_push.yaml";  // the build tree
  std::ofstream(path) << text;
  absl::StatusOr<ScenarioFile> f = ReadScenarioFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  const Target target{f->spec, f->properties, f->Program()};
  CampaignOptions options{.targets = {target}, .runs_per_scenario = 50};
  const CampaignResult r = RunCampaign(options, nullptr);
  ASSERT_FALSE(r.findings.empty());
  const CorpusEntry written = CorpusEntryFor(r.findings.front(), target, "{}");
  EXPECT_EQ(written.scenario.ToString(),
            "server=uvicorn-0.17.6-websockets,app=inline,client=inline");

  absl::StatusOr<CorpusEntry> e =
      ParseCorpus(CorpusToJson(written), "inline-push-finding.json");
  ASSERT_TRUE(e.ok()) << e.status();
  absl::StatusOr<Replayed> replayed =
      ReplayTarget(CorpusTarget(*e, {}), e->tape);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(CorpusMismatch(*e, replayed->violations,
                           replayed->report.result.trace_hash),
            "");
  EXPECT_TRUE(HasViolation(replayed->violations, "foreign-exception",
                           r.findings.front().violation.signature));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace harness
