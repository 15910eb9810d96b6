// Composition from files alone: the scenarios of examples/scenarios/ that the
// catalog could not express before apps and clients were programs (a send
// from `finally` after a cancellation, a WebSocket close with 4001 "bye", an
// HTTP client that stalls under backpressure and resets, a send 300 ms after
// the app's own close, two receive() consumers, an extra body after the
// final one), each explored against every preset of its protocol.
//
// The verdict of each (file, preset) is stated below: the properties and
// expectations that some run of the exploration breaks ("" = none). Every
// preset of the file's protocol must have a stated verdict, so a new preset
// cannot go unjudged. The reason for each verdict is in the comment of its
// file's table.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "harness/campaign.h"
#include "harness/scenario_file.h"
#include "models/lang/catalog.h"
#include "models/server/presets.h"

namespace harness {
namespace {

struct Stated {
  const char* file;  // under examples/scenarios/
  // preset -> the names broken by some run ("a,b", sorted; "" = none)
  std::map<std::string, std::string> verdicts;
};

models::Protocol ProtocolOf(const models::ScenarioSpec& spec) {
  if (spec.app_program != nullptr) return spec.app_program->protocol;
  auto app = models::lang::ResolveApp(spec.app);
  return app.ok() ? (*app)->protocol : models::Protocol::kHttp;
}

// The sorted names that some run of `runs` random walks breaks.
std::string Broken(const ScenarioFile& f, const std::string& preset,
                   int64_t runs) {
  Target t{f.spec, f.properties, f.Program()};
  t.spec.server = preset;
  CampaignOptions options{.targets = {t}, .runs_per_scenario = runs};
  options.shrink = false;
  CampaignResult r = RunCampaign(options, nullptr);
  std::vector<std::string> names;
  for (const Finding& finding : r.findings) {
    const std::string& p = finding.violation.property;
    if (names.empty() || names.back() != p) names.push_back(p);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return absl::StrJoin(names, ",");
}

void ExpectVerdicts(const Stated& stated) {
  const std::string path =
      absl::StrCat(HANGUP_SOURCE_DIR, "/examples/scenarios/", stated.file);
  absl::StatusOr<ScenarioFile> f = ReadScenarioFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  const models::Protocol protocol = ProtocolOf(f->spec);
  int judged = 0;
  for (const models::Preset& preset : models::Presets()) {
    if (!preset.Supports(protocol)) continue;
    ++judged;
    auto it = stated.verdicts.find(preset.name);
    const std::string actual = Broken(*f, preset.name, 300);
    if (it == stated.verdicts.end()) {
      ADD_FAILURE() << stated.file << ": no stated verdict for " << preset.name
                    << " (it breaks \"" << actual << "\")";
      continue;
    }
    EXPECT_EQ(actual, it->second) << stated.file << " on " << preset.name;
  }
  EXPECT_EQ(judged, static_cast<int>(stated.verdicts.size()))
      << stated.file << ": a stated preset is not of the file's protocol";
}

// The stream task's finally-send runs after the listener cancelled the group.
// Where send() raises ClientDisconnected (uvicorn 0.28.0, ref-raise), the
// exception leaves the asyncio task group as an ExceptionGroup that the
// server does not recognise as its own, and logs at ERROR (bug #6 of
// docs/reference); ref-raise-and-catch recognises it inside the group. Where
// send() is a no-op, or granian's SendError is logged at INFO only, nothing
// breaks. cleanup-once holds everywhere: the finally block runs once.
TEST(Composition, SendFromFinallyAfterCancellation) {
  ExpectVerdicts({"finally-send-after-cancel.yaml",
                  {{"uvicorn-0.17.6-h11", ""},
                   {"uvicorn-0.17.6-httptools", ""},
                   {"uvicorn-0.28.0", "error-log,quiet"},
                   {"uvicorn-0.51-h11", ""},
                   {"hypercorn-0.13.2", ""},
                   {"hypercorn-0.18.0", ""},
                   {"daphne-4.0.0", ""},
                   {"granian-2.8", ""},
                   {"ref-noop", ""},
                   {"ref-raise", "error-log,quiet"},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", ""},
                   {"ref-future", ""}}});
}

// The client closes with 4001 "bye". Every server hands the app the peer's
// code, except hypercorn, whose wsproto glue reports 1006 unless the app
// closed first (ws-code-close-frame=1006, probed on 0.13.2: 1006 for 1000).
TEST(Composition, WebSocketCloseWith4001Bye) {
  ExpectVerdicts({"ws-close-4001-bye.yaml",
                  {{"uvicorn-0.17.6-websockets", ""},
                   {"uvicorn-0.17.6-wsproto", ""},
                   {"uvicorn-0.51-sansio", ""},
                   {"uvicorn-0.51-wsproto", ""},
                   {"hypercorn-0.13.2", "close-code"},
                   {"hypercorn-0.18.0", "close-code"},
                   {"daphne-4.0.0", ""},
                   {"granian-2.8-ws", ""},
                   {"ref-noop", ""},
                   {"ref-raise", ""},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", ""},
                   {"ref-future", ""}}});
}

// The app's send is paused by backpressure when the client resets. Every
// HTTP preset releases the paused send on the loss (flow-release=released),
// so the app never blocks; what the sends after the close then do differs:
// they return on the no-op, result and future servers (raises-oserror
// breaks) and raise ClientDisconnected on uvicorn 0.28.0 and the raising
// reference servers. daphne never applies backpressure (send() does not
// suspend): the 20 chunks are out before the client resets.
TEST(Composition, HttpClientStallsUnderBackpressureThenResets) {
  ExpectVerdicts({"http-stall-rst-backpressure.yaml",
                  {{"uvicorn-0.17.6-h11", "raises-oserror"},
                   {"uvicorn-0.17.6-httptools", "raises-oserror"},
                   {"uvicorn-0.28.0", ""},
                   {"uvicorn-0.51-h11", "raises-oserror"},
                   {"hypercorn-0.13.2", "raises-oserror"},
                   {"hypercorn-0.18.0", "raises-oserror"},
                   {"daphne-4.0.0", ""},
                   {"granian-2.8", "raises-oserror"},
                   {"ref-noop", "raises-oserror"},
                   {"ref-raise", ""},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", "raises-oserror"},
                   {"ref-future", "raises-oserror"}}});
}

// A send 300 ms after the app's own close. uvicorn's glue (websockets and
// wsproto, 0.17.6 and current wsproto) and granian raise RuntimeError for a
// message after websocket.close, which the server logs at ERROR; current
// uvicorn's sans-I/O glue, hypercorn, daphne and the reference servers
// drop it.
TEST(Composition, SendThreeHundredMillisecondsAfterTheAppsClose) {
  ExpectVerdicts({"ws-close-then-send-300ms.yaml",
                  {{"uvicorn-0.17.6-websockets", "quiet"},
                   {"uvicorn-0.17.6-wsproto", "quiet"},
                   {"uvicorn-0.51-sansio", ""},
                   {"uvicorn-0.51-wsproto", "quiet"},
                   {"hypercorn-0.13.2", ""},
                   {"hypercorn-0.18.0", ""},
                   {"daphne-4.0.0", ""},
                   {"granian-2.8-ws", "quiet"},
                   {"ref-noop", ""},
                   {"ref-raise", ""},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", ""},
                   {"ref-future", ""}}});
}

// Two receive() consumers. uvicorn, granian and the reference servers
// answer every receive() after the close with http.disconnect
// (delivery=repeat); hypercorn and daphne queue it once, so one consumer
// waits forever and the app never ends.
TEST(Composition, TwoReceiveConsumers) {
  ExpectVerdicts({"two-receivers.yaml",
                  {{"uvicorn-0.17.6-h11", ""},
                   {"uvicorn-0.17.6-httptools", ""},
                   {"uvicorn-0.28.0", ""},
                   {"uvicorn-0.51-h11", ""},
                   {"hypercorn-0.13.2", "disconnect-delivery,ends-within-2s"},
                   {"hypercorn-0.18.0", "disconnect-delivery,ends-within-2s"},
                   {"daphne-4.0.0", "disconnect-delivery,ends-within-2s"},
                   {"granian-2.8", ""},
                   {"ref-noop", ""},
                   {"ref-raise", ""},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", ""},
                   {"ref-future", ""}}});
}

// An extra body after the final one. uvicorn and granian raise RuntimeError
// for it, logged at ERROR; the www spec says messages after the response
// completed are ignored (invalid-transition: raised-after-complete), as
// hypercorn, daphne and the reference servers do.
TEST(Composition, ExtraBodyAfterTheFinalBody) {
  ExpectVerdicts({"extra-body-after-final.yaml",
                  {{"uvicorn-0.17.6-h11", "invalid-transition,quiet"},
                   {"uvicorn-0.17.6-httptools", "invalid-transition,quiet"},
                   {"uvicorn-0.28.0", "invalid-transition,quiet"},
                   {"uvicorn-0.51-h11", "invalid-transition,quiet"},
                   {"hypercorn-0.13.2", ""},
                   {"hypercorn-0.18.0", ""},
                   {"daphne-4.0.0", ""},
                   {"granian-2.8", "invalid-transition,quiet"},
                   {"ref-noop", ""},
                   {"ref-raise", ""},
                   {"ref-raise-and-catch", ""},
                   {"ref-result", ""},
                   {"ref-future", ""}}});
}

// The tutorial's scenario (docs/scenario-language.md): what its steps 4 and 6
// say. uvicorn 0.17.6 leaks the protocol library's exception (websockets'
// ConnectionClosedError, wsproto's LocalProtocolError) and granian its
// RuntimeError, and they log it; where send() after the close is a no-op
// (hypercorn, daphne) or returns a result or a future the loop does not
// check, the loop never sees a raise and pushes on past the 100 ms bound.
// Current uvicorn and the raising reference servers raise their own
// OSError subclass and do not log it.
TEST(Composition, TheTutorialsChatLoop) {
  ExpectVerdicts(
      {"tutorial-chat.yaml",
       {{"uvicorn-0.17.6-websockets", "error-log,foreign-exception,quiet"},
        {"uvicorn-0.17.6-wsproto", "error-log,foreign-exception,quiet"},
        {"uvicorn-0.51-sansio", ""},
        {"uvicorn-0.51-wsproto", ""},
        {"hypercorn-0.13.2", "ends-fast"},
        {"hypercorn-0.18.0", "ends-fast"},
        {"daphne-4.0.0", "ends-fast"},
        {"granian-2.8-ws", "error-log,foreign-exception,quiet"},
        {"ref-noop", "ends-fast"},
        {"ref-raise", ""},
        {"ref-raise-and-catch", ""},
        {"ref-result", "ends-fast"},
        {"ref-future", "ends-fast"}}});
}

// A middleware written in the file: it catches what the app raises and
// closes the socket itself (1011). On uvicorn 0.17.6 with websockets the
// app's leaked ConnectionClosedOK then no longer reaches the server, which
// logs it at ERROR without the middleware; the middleware's own send is
// recorded under its name.
TEST(Composition, AMiddlewareWrittenInTheFile) {
  constexpr char kPlain[] = R"(format: hangup-scenario/1
server: uvicorn-0.17.6-websockets
app: ws-push
client: ws-close-1000
properties: [error-log]
)";
  const std::string with = absl::StrCat(kPlain, R"(middleware:
  - name: swallow-errors
    steps:
      - try:
          - call-app
        except:
          - class: Exception
            steps:
              - suppress: Exception
                steps:
                  - send: {type: websocket.close, code: 1011}
)");
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(with, "mw.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->spec.ToString(),
            "server=uvicorn-0.17.6-websockets,mw=swallow-errors,app=ws-push,"
            "client=ws-close-1000");
  absl::StatusOr<Replayed> r =
      ReplayTarget({f->spec, f->properties, f->Program()}, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(check::HasViolation(r->violations, "error-log"));
  ASSERT_EQ(r->outcome.middleware_sends.size(), 1u);
  EXPECT_STREQ(r->outcome.middleware_sends[0].from, "swallow-errors");
  EXPECT_EQ(r->outcome.middleware_sends[0].message.code, 1011);

  f = ParseScenarioFile(kPlain, "plain.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  r = ReplayTarget({f->spec, f->properties, f->Program()}, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(check::HasViolation(r->violations, "error-log"));
}

// The middleware steps belong to middleware programs.
TEST(Composition, MiddlewareStepsAreErrorsInAnApp) {
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(
      "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\n"
      "app:\n  steps:\n    - call-app\n",
      "a.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "a.yaml:6:7: field 'app.steps[0].call-app': 'call-app' is a "
            "middleware step (expected in a hangup-middleware/1 program)");
  f = ParseScenarioFile(
      "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\n"
      "app: sse-stream\nmiddleware:\n  - steps:\n      - reraise\n",
      "m.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "m.yaml:7:9: field 'middleware[0].steps[0].reraise': a reraise "
            "stands only in an except handler's steps");
}

constexpr char kDrawnStall[] = R"(format: hangup-scenario/1
server: ref-raise
app: sse-stream
client:
  steps:
    - request
    - read: {body-chunks: 1}
    - draw: when
      delays: [0ms, 40ms]
    - stall: $when
    - close: rst
)";

// A delay drawn from the tape is usable as a stall: exploring the tape
// reaches both closes, 40 ms apart.
TEST(Composition, ADrawnDelayIsExploredAsAStall) {
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(kDrawnStall, "d.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  const Target t{f->spec, f->properties, f->Program()};
  sim::Time first = sim::Time::Infinite();
  sim::Time last;
  for (int i = 0; i < 64; ++i) {
    const std::vector<uint8_t> tape = {static_cast<uint8_t>(i & 3),
                                       static_cast<uint8_t>((i >> 2) & 3),
                                       static_cast<uint8_t>(i >> 4)};
    absl::StatusOr<Replayed> r = ReplayTarget(t, tape);
    ASSERT_TRUE(r.ok()) << r.status();
    first = std::min(first, r->outcome.client_closed);
    last = std::max(last, r->outcome.client_closed);
  }
  EXPECT_GE((last - first).nanos(), sim::Millis(40).nanos());
}

// A drawn value is typed: a delay cannot name a close kind, nor a kind a
// delay.
TEST(Composition, ADrawnValueOfTheWrongKindIsAnError) {
  const std::string bad =
      absl::StrReplaceAll(kDrawnStall, {{"close: rst", "close: $when"}});
  absl::StatusOr<ScenarioFile> f = ParseScenarioFile(bad, "d.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(std::string(f.status().message()),
            "d.yaml:11:14: field 'client.steps[4].close': '$when' is not a "
            "close kind drawn earlier (expected a draw with closes: [...])");
}

}  // namespace
}  // namespace harness
