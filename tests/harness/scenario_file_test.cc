// Scenario files: a good file gives its scenario, bounds and expectations;
// every kind of malformed file is an error naming the file, the line and
// column, the field and what was expected; expectations are checked and
// reported under their own names.
#include "harness/scenario_file.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "check/checked_scenario.h"
#include "gtest/gtest.h"
#include "harness/findings.h"
#include "sim/program.h"

namespace harness {
namespace {

constexpr char kGood[] = R"(format: hangup-scenario/1
name: sse-zombie
title: an SSE stream outlives its client
link: https://example.org/1
server:
  preset: uvicorn-0.17.6-h11
  send-after-close: raise
middleware: [passthrough]
app: sse-stream
client: http-fin-after-1
linger: 0
bounds:
  receive: 500ms
  app-end: 5s
  log-lines: 3
properties: [zombie, error-log]
expect:
  - name: ends-in-1s
    app-ends-within: 1s
  - no-log-at-or-above: ERROR
  - {name: raises-oserror, send-after-close-raises: OSError}
  - {name: gets-one, client-gets-at-least: 1}
)";

TEST(ScenarioFile, AGoodFileGivesItsScenarioBoundsAndExpectations) {
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(kGood, "good.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->name, "sse-zombie");
  EXPECT_EQ(f->title, "an SSE stream outlives its client");
  EXPECT_EQ(f->spec.ToString(),
            "server=uvicorn-0.17.6-h11,mw=passthrough,app=sse-stream,"
            "client=http-fin-after-1,linger=0,send-after-close=raise");
  EXPECT_EQ(f->properties.receive_bound, sim::Millis(500));
  EXPECT_EQ(f->properties.app_end_bound, sim::Seconds(5));
  EXPECT_EQ(f->properties.log_lines_bound, 3);
  EXPECT_TRUE(f->properties.only.Has(
      check::PropertyIndex(*check::FindProperty("zombie"))));
  EXPECT_FALSE(f->properties.only.Has(
      check::PropertyIndex(*check::FindProperty("spec-version"))));
  ASSERT_EQ(f->properties.expectations.size(), 4u);
  EXPECT_EQ(f->properties.expectations[0].name, "ends-in-1s");
  EXPECT_EQ(f->properties.expectations[0].bound, sim::Seconds(1));
  EXPECT_EQ(f->properties.expectations[1].name, "no-log-at-or-above");
  EXPECT_EQ(f->properties.expectations[2].exception, "OSError");
  EXPECT_EQ(f->properties.expectations[3].count, 1);
  EXPECT_EQ(f->Program(), "file=good.yaml@" + f->content_hash);
}

TEST(ScenarioFile, TheNameDefaultsToTheFileStemAndTheHashToTheContent) {
  const std::string minimal =
      "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
      "client: http-full\n";
  absl::StatusOr<ScenarioFile> a = ParseScenarioFile(minimal, "dir/my s.yml");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name, "my s");
  EXPECT_EQ(a->Program(), "file=dir/my%20s.yml@" + a->content_hash);
  absl::StatusOr<ScenarioFile> b =
      ParseScenarioFile(minimal + "# a comment\n", "dir/my s.yml");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->content_hash, b->content_hash);
  EXPECT_TRUE(a->properties.only.all());
  EXPECT_TRUE(a->properties.expectations.empty());
}

struct Bad {
  const char* what;     // the kind of mistake
  const char* text;     // the whole file
  const char* message;  // what the error must contain
};

// Each a different kind of mistake; the error must give the position and
// the field (or the syntax error) and what was expected.
const Bad kBad[] = {
    {"not YAML", "format: [unclosed\n", "bad.yaml:2:1: field '(syntax)'"},
    {"a list at the top", "- a\n- b\n", "bad.yaml:1:1: field '(top)'"},
    {"a scalar at the top", "hello\n", "field '(top)': expected a map"},
    {"an empty file", "", "bad.yaml: the file is empty (expected a map of"},
    {"two documents",
     "format: hangup-scenario/1\n---\nformat: hangup-scenario/1\n",
     "expected one YAML document, got 2"},
    {"no format", "server: ref-noop\napp: sse-stream\nclient: http-full\n",
     "bad.yaml:1:1: field 'format': is missing (expected "
     "\"hangup-scenario/1\")"},
    {"a wrong format", "format: hangup-scenario/9\n",
     "bad.yaml:1:9: field 'format': expected \"hangup-scenario/1\", got "
     "\"hangup-scenario/9\""},
    {"an unknown top-level field",
     "format: hangup-scenario/1\nsevrer: ref-noop\n",
     "bad.yaml:2:1: field 'sevrer': unknown field (expected one of: format,"},
    {"a repeated key", "format: hangup-scenario/1\napp: a\napp: b\n",
     "bad.yaml:3:1: field 'app': is given twice"},
    {"no server", "format: hangup-scenario/1\napp: sse-stream\nclient: x\n",
     "field 'server': is missing"},
    {"no app", "format: hangup-scenario/1\nserver: ref-noop\nclient: x\n",
     "field 'app': is missing"},
    {"no client", "format: hangup-scenario/1\nserver: ref-noop\napp: x\n",
     "field 'client': is missing"},
    {"an unknown server",
     "format: hangup-scenario/1\nserver: uvicorn-9\napp: sse-stream\n"
     "client: http-full\n",
     "bad.yaml:2:9: field 'server': unknown server 'uvicorn-9' (expected "
     "one of: uvicorn-0.17.6-h11"},
    {"a server map without preset",
     "format: hangup-scenario/1\nserver: {delivery: once}\napp: sse-stream\n"
     "client: http-full\n",
     "field 'server.preset': is missing"},
    {"an unknown policy field",
     "format: hangup-scenario/1\nserver: {preset: ref-noop, delivry: once}\n"
     "app: sse-stream\nclient: http-full\n",
     "bad.yaml:2:28: field 'server.delivry': unknown field (expected one of: "
     "preset, spec-version"},
    {"a bad policy value",
     "format: hangup-scenario/1\nserver: {preset: ref-noop, delivery: twice}\n"
     "app: sse-stream\nclient: http-full\n",
     "bad.yaml:2:38: field 'server.delivery': "},
    {"a list as a policy value",
     "format: hangup-scenario/1\nserver: {preset: ref-noop, delivery: [a]}\n"
     "app: sse-stream\nclient: http-full\n",
     "field 'server.delivery': expected a policy value, got a list"},
    {"an unknown app",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-steam\n"
     "client: http-full\n",
     "bad.yaml:3:6: field 'app': unknown app 'sse-steam' (expected one of: "},
    {"an unknown client",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-fll\n",
     "bad.yaml:4:9: field 'client': unknown client 'http-fll'"},
    {"a client of the other protocol",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: ws-fin\n",
     "bad.yaml:4:9: field 'client': client 'ws-fin' speaks websocket but app "
     "'sse-stream' speaks http"},
    {"a server that does not serve the protocol",
     "format: hangup-scenario/1\nserver: granian-2.8\napp: ws-push\n"
     "client: ws-fin\n",
     "field 'client': server 'granian-2.8' does not serve websocket"},
    {"middleware not a list",
     "format: hangup-scenario/1\nserver: ref-noop\nmiddleware: base-http\n"
     "app: sse-stream\nclient: http-full\n",
     "bad.yaml:3:13: field 'middleware': expected a list of middleware names"},
    {"an unknown middleware",
     "format: hangup-scenario/1\nserver: ref-noop\nmiddleware: [base-htp]\n"
     "app: sse-stream\nclient: http-full\n",
     "bad.yaml:3:14: field 'middleware[0]': unknown middleware 'base-htp'"},
    {"a bad linger",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nlinger: forever\n",
     "bad.yaml:5:9: field 'linger': expected a duration like 500ms or 2s, got "
     "'forever'"},
    {"bounds not a map",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nbounds: 5s\n",
     "bad.yaml:5:9: field 'bounds': expected a map, got '5s'"},
    {"an unknown bound",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nbounds: {app-ends: 5s}\n",
     "field 'bounds.app-ends': unknown field (expected one of: receive, "
     "app-end, log-lines)"},
    {"a duration without a unit",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nbounds: {receive: 5}\n",
     "bad.yaml:5:19: field 'bounds.receive': expected a duration like 500ms "
     "or 2s, got '5'"},
    {"a negative count",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nbounds: {log-lines: -1}\n",
     "field 'bounds.log-lines': expected an integer from 0 to 1000000, got "
     "'-1'"},
    {"properties not a list",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nproperties: zombie\n",
     "field 'properties': expected a list of property names"},
    {"an unknown property",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nproperties: [zombies]\n",
     "bad.yaml:5:14: field 'properties[0]': unknown property 'zombies'"},
    {"an empty property list",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nproperties: []\n",
     "field 'properties': is empty"},
    {"expect not a list",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect: {app-ends-within: 1s}\n",
     "field 'expect': expected a list of expectations, got a map"},
    {"an unknown expectation",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - app-ends-in: 1s\n",
     "bad.yaml:6:5: field 'expect[0].app-ends-in': unknown field (expected "
     "one of: app-ends-within,"},
    {"two kinds in one expectation",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - {app-ends-within: 1s, "
     "disconnect-within: 1s}\n",
     "field 'expect[0].disconnect-within': one expectation per entry"},
    {"an expectation with only a name",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - {name: x}\n",
     "bad.yaml:6:5: field 'expect[0]': needs one of: app-ends-within"},
    {"an unknown log level",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - no-log-at-or-above: LOUD\n",
     "bad.yaml:6:25: field 'expect[0].no-log-at-or-above': expected a level: "
     "DEBUG, INFO, WARNING or ERROR, got 'LOUD'"},
    {"an unknown exception class",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - send-after-close-raises: OSErr\n",
     "field 'expect[0].send-after-close-raises': unknown exception class "
     "'OSErr' (expected one of: BaseException"},
    {"returns with another value",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - send-after-close-returns: maybe\n",
     "field 'expect[0].send-after-close-returns': expected yes, got 'maybe'"},
    {"an expectation named like a property",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - {name: zombie, app-ends-within: 1s}\n",
     "field 'expect[0]': the name 'zombie' is a built-in property's"},
    {"two expectations with one name",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - app-ends-within: 1s\n"
     "  - app-ends-within: 2s\n",
     "bad.yaml:7:5: field 'expect[1]': the name 'app-ends-within' is used "
     "twice"},
    {"an unsafe expectation name",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\n"
     "client: http-full\nexpect:\n  - {name: ../x, app-ends-within: 1s}\n",
     "field 'expect[0].name': expected a name of [A-Za-z0-9._-], got '../x'"},
    {"an unsafe scenario name",
     "format: hangup-scenario/1\nname: a/b\nserver: ref-noop\n"
     "app: sse-stream\nclient: http-full\n",
     "bad.yaml:2:7: field 'name': expected a name of [A-Za-z0-9._-], got "
     "'a/b'"},
    {"a title that is a map", "format: hangup-scenario/1\ntitle: {a: b}\n",
     "bad.yaml:2:8: field 'title': expected a string, got a map"},
    {"a non-scalar key", "format: hangup-scenario/1\n[a]: b\n",
     "field '': keys must be plain names"},
};

static_assert(std::size(kBad) >= 30, "at least 30 kinds of malformed file");

TEST(ScenarioFile, EveryKindOfMalformedFileNamesThePlaceAndWhatWasExpected) {
  for (const Bad& bad : kBad) {
    absl::StatusOr<ScenarioFile> f = ParseScenarioFile(bad.text, "bad.yaml");
    ASSERT_FALSE(f.ok()) << bad.what;
    EXPECT_TRUE(absl::StartsWith(f.status().message(), "bad.yaml"))
        << bad.what << ": " << f.status();
    EXPECT_TRUE(absl::StrContains(f.status().message(), bad.message))
        << bad.what << ":\n  got      " << f.status().message()
        << "\n  expected " << bad.message;
  }
}

TEST(ScenarioFile, AFileOverTheSizeLimitIsRefusedBeforeParsing) {
  const std::string big(kMaxScenarioFileBytes + 1, '#');
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(big, "big.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(absl::StrContains(f.status().message(),
                                "big.yaml: 1048577 "
                                "bytes; a scenario file "
                                "is at most 1048576"))
      << f.status();
}

TEST(ScenarioFile, TokenProgramsAreRecognised) {
  EXPECT_TRUE(IsFileProgram("file=a.yaml@0123456789abcdef"));
  EXPECT_FALSE(IsFileProgram("server=ref-noop,app=a,client=c"));
  EXPECT_FALSE(ReadFileProgram("file=a.yaml").ok());
  absl::StatusOr<ScenarioFile> missing =
      ReadFileProgram("file=/nonexistent/x.yaml@0123456789abcdef");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "cannot read"));
  EXPECT_TRUE(LooksLikeScenarioFile("x.yaml"));
  EXPECT_TRUE(LooksLikeScenarioFile("x.yml"));
  EXPECT_FALSE(LooksLikeScenarioFile("x.json"));
}

// Runs `file` on the all-zero tape with its own checks.
Replayed RunFile(const std::string& text) {
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(text, "run.yaml");
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok()) return {};
  absl::StatusOr<Replayed> r =
      ReplayTarget(Target{f->spec, f->properties, f->Program()}, {});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Replayed{};
}

std::string WithExpect(absl::string_view server, absl::string_view expect) {
  return absl::StrCat(
      "format: hangup-scenario/1\nserver: ", server,
      "\napp: sse-stream\nclient: http-fin-after-1\nproperties: [zombie]\n"
      "expect:\n",
      expect);
}

// Expectations are reported under their own names, and pass where the
// scenario meets them.
TEST(ScenarioFile, ExpectationsAreCheckedUnderTheirOwnNames) {
  // ref-noop: send() is a no-op, the SSE app streams on for 200 ms.
  Replayed noop = RunFile(
      WithExpect("ref-noop",
                 "  - {name: ends-fast, app-ends-within: 10ms}\n"
                 "  - {name: raises, send-after-close-raises: OSError}\n"
                 "  - {name: returns, send-after-close-returns: yes}\n"
                 "  - {name: gets-one, client-gets-at-least: 1}\n"
                 "  - {name: gets-many, client-gets-at-least: 100}\n"));
  EXPECT_TRUE(check::HasViolation(noop.violations, "ends-fast", "late"));
  EXPECT_TRUE(check::HasViolation(noop.violations, "raises", "returned"));
  EXPECT_FALSE(check::HasViolation(noop.violations, "returns"));
  EXPECT_FALSE(check::HasViolation(noop.violations, "gets-one"));
  EXPECT_TRUE(check::HasViolation(noop.violations, "gets-many", "short"));
  // ref-raise: send() raises ClientDisconnected, an OSError subclass.
  Replayed raise = RunFile(WithExpect(
      "ref-raise",
      "  - {name: raises, send-after-close-raises: OSError}\n"
      "  - {name: raises-exact, send-after-close-raises: ClientDisconnected}\n"
      "  - {name: returns, send-after-close-returns: yes}\n"
      "  - {name: not-runtime, send-after-close-raises: RuntimeError}\n"));
  EXPECT_FALSE(check::HasViolation(raise.violations, "raises"));
  EXPECT_FALSE(check::HasViolation(raise.violations, "raises-exact"));
  EXPECT_TRUE(
      check::HasViolation(raise.violations, "returns", "ClientDisconnected"));
  EXPECT_TRUE(check::HasViolation(raise.violations, "not-runtime",
                                  "ClientDisconnected"));
}

}  // namespace
}  // namespace harness
