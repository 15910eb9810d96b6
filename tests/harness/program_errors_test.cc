// Malformed programs in scenario files: every kind of mistake in an app, a
// middleware or a client program (inline or named from the catalog) is an
// error with the file, line and column, the field's path and what was
// expected, and, for a misspelt name, the nearest name. `hangup` exits 2 on
// each (tests/cli/cli_test.py runs some through the command).
#include <iterator>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/scenario_file.h"

namespace harness {
namespace {

struct Bad {
  const char* what;
  const char* text;
  // The whole message; or, when `tail` is set, its start and its end (the
  // list of names between them is the catalog's or the language's).
  const char* message;
  const char* tail = nullptr;
};

const Bad kBad[] = {
    {"an unknown app step, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - sned: {type: http.response.start}\n",
     "bad.yaml:7:7: field 'app.steps[0]': expected a step (one of: ",
     "got a map with 'sned'; did you mean 'send'?"},
    {"a send field of the wrong type",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.start, "
     "status: abc}\n",
     "bad.yaml:7:49: field 'app.steps[0].send.status': expected an integer "
     "from 0 to 1000000000, got 'abc'"},
    {"an unknown message type",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.begin}\n",
     "bad.yaml:7:20: field 'app.steps[0].send.type': expected one of ",
     "websocket.close, http.bogus, got 'http.response.begin'"},
    {"an unknown field of a send",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.start, "
     "colour: red}\n",
     "bad.yaml:7:41: field 'app.steps[0].send.colour': unknown field (expected "
     "one of: type, status, seq, bytes, more_body, code)"},
    {"a loop-until with no condition",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - loop-until: sometimes\n      steps: "
     "[{note: x}]\n",
     "bad.yaml:7:19: field 'app.steps[0].loop-until': expected a condition: a "
     "map with one of ",
     "disconnected, undelivered, send-raised), got 'sometimes'"},
    {"a negative repeat count",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - repeat: -1\n      steps: [{note: x}]\n",
     "bad.yaml:7:15: field 'app.steps[0].repeat': expected an integer from 0 "
     "to 1000000000, got '-1'"},
    {"a repeat without steps",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - repeat: 3\n",
     "bad.yaml:7:7: field 'app.steps[0].steps': is missing"},
    {"an if without then",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - if: disconnected\n      else: [{note: "
     "x}]\n",
     "bad.yaml:7:7: field 'app.steps[0].then': is missing"},
    {"an unknown condition, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - if: {disconected: true}\n      then: "
     "[{note: x}]\n",
     "bad.yaml:7:12: field 'app.steps[0].if.disconected': unknown field "
     "(expected one of: ",
     "app-sent, all, any, not); did you mean 'disconnected'?"},
    {"an empty task group",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - task-group: []\n",
     "bad.yaml:7:19: field 'app.steps[0].task-group': expected a list of one "
     "or more tasks ({name, steps}), got an empty list"},
    {"unknown task-group semantics",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - task-group: [{name: a, steps: [{note: "
     "x}]}]\n      semantics: anyio5\n",
     "bad.yaml:8:18: field 'app.steps[0].semantics': expected one of anyio3, "
     "asyncio, got 'anyio5'; did you mean 'anyio3'?"},
    {"an unknown except class, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - try: [{note: x}]\n      except: [{class: "
     "OSErr, steps: [{note: y}]}]\n",
     "bad.yaml:8:24: field 'app.steps[0].except[0].class': unknown exception "
     "class 'OSErr' (expected one of: ",
     "CancelledError, TimeoutError); did you mean 'OSError'?"},
    {"a try without except or finally",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - try: [{note: x}]\n",
     "bad.yaml:7:7: field 'app.steps[0]': a try needs an except or a finally"},
    {"raising CancelledError",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - raise: CancelledError\n",
     "bad.yaml:7:14: field 'app.steps[0].raise': cannot raise 'CancelledError' "
     "(expected one of: ",
     "CancelledError and TimeoutError, a task group its groups)"},
    {"a sleep that is not a duration",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - sleep: soon\n",
     "bad.yaml:7:14: field 'app.steps[0].sleep': expected a duration like "
     "500ms or 2s, got 'soon'"},
    {"an undefined $param",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.start, "
     "status: $nope}\n",
     "bad.yaml:7:49: field 'app.steps[0].send.status': '$nope' names no "
     "parameter, counter or drawn value"},
    {"an unknown mark, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - mark: cleanup-armd\n",
     "bad.yaml:7:13: field 'app.steps[0].mark': expected one of cleanup-armed, "
     "cleanup, background-started, background-done, got 'cleanup-armd'; did "
     "you mean 'cleanup-armed'?"},
    {"a middleware step in an app",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - call-app\n",
     "bad.yaml:7:7: field 'app.steps[0].call-app': 'call-app' is a middleware "
     "step (expected in a hangup-middleware/1 program)"},
    {"two steps in one list entry",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - {note: x, sleep: 1ms}\n",
     "bad.yaml:7:7: field 'app.steps[0]': one step per list entry, got 'note' "
     "and 'sleep' (write each as its own - entry)"},
    {"a step that is a number",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - 42\n",
     "bad.yaml:7:7: field 'app.steps[0]': expected a step (one of: ",
     "mark, call-app, reraise, starlette-base-http), got '42'"},
    {"steps that are a map",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps: {note: x}\n",
     "bad.yaml:6:10: field 'app.steps': expected a list of steps, got a map"},
    {"an unknown app protocol",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: grpc\n  steps: [return]\n",
     "bad.yaml:5:13: field 'app.protocol': expected one of http, websocket, "
     "got 'grpc'"},
    {"an unknown cancellation model",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  cancellation: trio\n  steps: [return]\n",
     "bad.yaml:6:17: field 'app.cancellation': expected one of asyncio, anyio, "
     "got 'trio'"},
    {"an unknown spec version",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - if: {spec-version-at-least: \"3.1\"}\n   "
     "   then: [return]\n",
     "bad.yaml:7:35: field 'app.steps[0].if.spec-version-at-least': expected "
     "one of 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, got '3.1'; did you mean '2.1'?"},
    {"an unknown catalog app, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp: "
     "{use: sse-streem}\n",
     "bad.yaml:4:6: field 'app': unknown app 'sse-streem' (expected one of: ",
     "ws-catch-all); did you mean 'sse-stream'?"},
    {"an unknown parameter in with",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp: "
     "{use: sse-stream, with: {chunkz: 3}}\n",
     "bad.yaml:4:6: field 'app': app 'sse-stream:chunkz=3': parameter 'chunkz' "
     "is unknown (expected one of: chunks=20, interval=10ms, bytes=64)"},
    {"a parameter value of the wrong type",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp: "
     "{use: sse-stream, with: {chunks: many}}\n",
     "bad.yaml:4:6: field 'app': app 'sse-stream:chunks=many': "
     "catalog/apps/sse-stream.yaml:8:13: field 'steps[1].repeat': expected an "
     "integer from 0 to 1000000000, got 'many'"},
    {"an app program with a client's format",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "format: hangup-client/1\n  protocol: http\n  steps: [return]\n",
     "bad.yaml:5:11: field 'app.format': expected hangup-app/1, got "
     "'hangup-client/1'"},
    {"an unknown program field, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  stepz: [return]\n",
     "bad.yaml:6:3: field 'app.stepz': unknown field (expected one of: format, "
     "name, description, params, steps, protocol, cancellation); did you mean "
     "'steps'?"},
    {"a program without steps",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n",
     "bad.yaml:5:3: field 'app.steps': is missing"},
    {"a parameter default that is a list",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  params: {n: [1]}\n  steps: [return]\n",
     "bad.yaml:6:15: field 'app.params.n': expected a default value (a number, "
     "a duration or a name), got a list"},
    {"a reraise outside an except handler",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp: "
     "sse-stream\nmiddleware:\n  - steps: [call-app, reraise]\n",
     "bad.yaml:6:23: field 'middleware[0].steps[1].reraise': a reraise stands "
     "only in an except handler's steps"},
    {"a protocol on a middleware",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp: "
     "sse-stream\nmiddleware:\n  - protocol: http\n    steps: [call-app]\n",
     "bad.yaml:6:5: field 'middleware[0].protocol': unknown field (expected "
     "one of: format, name, description, params, steps)"},
    {"an unknown client step, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - requets\n",
     "bad.yaml:6:7: field 'client.steps[0]': expected a step (one of: ",
     "draw, if, return), got 'requets'; did you mean 'request'?"},
    {"an unknown read mode",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - read: {bodychunks: 3}\n",
     "bad.yaml:7:14: field 'client.steps[1].read.bodychunks': unknown field "
     "(expected one of: body-chunks, gap, messages, idle-timeout, until, for); "
     "did you mean 'body-chunks'?"},
    {"a negative chunk count",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - read: {body-chunks: -2}\n",
     "bad.yaml:7:27: field 'client.steps[1].read.body-chunks': expected a "
     "count from 0 to 1000000, or all, got '-2'"},
    {"an empty draw",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - draw: when\n      delays: []\n",
     "bad.yaml:7:15: field 'client.steps[0].delays': expected a list of 1 to "
     "256 values, got 0 values"},
    {"a draw of nothing",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - draw: when\n",
     "bad.yaml:6:7: field 'client.steps[0]': a draw needs one of delays: "
     "[DURATION, ...] or closes: [fin, rst, frame]"},
    {"a sleep on an undrawn value",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - sleep: $later\n",
     "bad.yaml:7:14: field 'client.steps[1].sleep': '$later' names no "
     "parameter, counter or drawn value"},
    {"an unknown close kind",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - close: slam\n",
     "bad.yaml:7:14: field 'client.steps[1].close': expected one of fin, rst, "
     "frame, got 'slam'"},
    {"a stall that is not a duration",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - stall: a-while\n",
     "bad.yaml:7:14: field 'client.steps[1].stall': expected a duration like "
     "500ms or 2s, got 'a-while'"},
    {"a close code below 1000",
     "format: hangup-scenario/1\nserver: ref-noop\napp: ws-push\nclient:\n  "
     "protocol: websocket\n  steps:\n    - upgrade\n    - close: frame\n      "
     "code: 999\n",
     "bad.yaml:9:13: field 'client.steps[1].code': expected an integer from "
     "1000 to 4999, got '999'"},
    {"a close reason over 123 bytes",
     "format: hangup-scenario/1\nserver: ref-noop\napp: ws-push\nclient:\n  "
     "protocol: websocket\n  steps:\n    - upgrade\n    - close: frame\n      "
     "code: 4001\n      reason: "
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
     "bad.yaml:10:15: field 'client.steps[1].reason': expected at most 123 "
     "bytes (RFC 6455 section 5.5)"},
    {"an unknown client condition",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - if: server-gone\n      then: [return]\n",
     "bad.yaml:7:11: field 'client.steps[1].if': expected one of "
     "server-closed, accepted, got-final-body, not-server-closed, "
     "not-accepted, not-got-final-body, got 'server-gone'"},
    {"an upgrading client against an HTTP app",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - upgrade\n",
     "bad.yaml:5:3: field 'client': client 'inline' speaks websocket but app "
     "'sse-stream' speaks http"},
    {"an unknown client protocol",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "protocol: quic\n  steps: [request]\n",
     "bad.yaml:5:13: field 'client.protocol': expected one of http, websocket, "
     "got 'quic'"},
    {"an unknown catalog client, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient: "
     "{use: http-ful}\n",
     "bad.yaml:4:9: field 'client': unknown client 'http-ful' (expected one "
     "of: ",
     "ws-normal, ws-close-at-random); did you mean 'http-full'?"},
    {"a close frame against an HTTP app",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - close: frame\n",
     "bad.yaml:5:3: field 'client': client 'inline' speaks websocket but app "
     "'sse-stream' speaks http"},
    {"a negative timeout",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - timeout: -1s\n      steps: [{note: x}]\n",
     "bad.yaml:7:16: field 'app.steps[0].timeout': expected a duration like "
     "500ms or 2s, got '-1s'"},
    {"a duration that overflows",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - sleep: 99999999999999999s\n",
     "bad.yaml:7:14: field 'app.steps[0].sleep': expected a duration like "
     "500ms or 2s, got '99999999999999999s'"},
    {"a counter name with a space",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - repeat: 3\n      as: \"1 x\"\n      "
     "steps: [{note: x}]\n",
     "bad.yaml:8:11: field 'app.steps[0].as': expected a counter name "
     "(letters, digits, _ and -, starting with a letter or _), got '1 x'"},
    {"a send without a type",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {status: 200}\n",
     "bad.yaml:7:13: field 'app.steps[0].send.type': is missing"},
    {"on-undelivered that is not a list",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.start}\n      "
     "on-undelivered: stop\n",
     "bad.yaml:8:23: field 'app.steps[0].on-undelivered': expected a list of "
     "steps, got 'stop'"},
    {"check that is not a boolean",
     "format: hangup-scenario/1\nserver: ref-noop\nclient: http-full\napp:\n  "
     "protocol: http\n  steps:\n    - send: {type: http.response.start}\n      "
     "check: sometimes\n",
     "bad.yaml:8:14: field 'app.steps[0].check': expected true or false, got "
     "'sometimes'"},
    {"reading messages against an HTTP app",
     "format: hangup-scenario/1\nserver: ref-noop\napp: sse-stream\nclient:\n  "
     "steps:\n    - request\n    - read: {messages: 2}\n",
     "bad.yaml:5:3: field 'client': client 'inline' speaks websocket but app "
     "'sse-stream' speaks http"},
    {"a close reason that is a map",
     "format: hangup-scenario/1\nserver: ref-noop\napp: ws-push\nclient:\n  "
     "protocol: websocket\n  steps:\n    - upgrade\n    - close: frame\n      "
     "code: 4001\n      reason: {a: b}\n",
     "bad.yaml:10:15: field 'client.steps[1].reason': expected text, got a "
     "map"},
    {"an unknown close option, with a suggestion",
     "format: hangup-scenario/1\nserver: ref-noop\napp: ws-push\nclient:\n  "
     "protocol: websocket\n  steps:\n    - upgrade\n    - close: frame\n      "
     "cod: 4001\n",
     "bad.yaml:9:7: field 'client.steps[1].cod': unknown field (expected one "
     "of: close, code, reason, await-reply); did you mean 'code'?"},
    {"a file that is not YAML",
     "format: hangup-scenario/1\nserver: ref-noop\napp:\n  steps: [send: "
     "{type: x}\n",
     "bad.yaml:5:1: field '(syntax)': not valid YAML: end of sequence flow not "
     "found"},
};

static_assert(std::size(kBad) >= 30, "at least 30 kinds of malformed program");

TEST(ProgramErrors,
     EveryKindOfMalformedProgramNamesThePlaceAndWhatWasExpected) {
  for (const Bad& bad : kBad) {
    absl::StatusOr<ScenarioFile> f = ParseScenarioFile(bad.text, "bad.yaml");
    ASSERT_FALSE(f.ok()) << bad.what;
    const std::string got(f.status().message());
    if (bad.tail == nullptr) {
      EXPECT_EQ(got, bad.message) << bad.what;
      continue;
    }
    EXPECT_TRUE(absl::StartsWith(got, bad.message))
        << bad.what << ":\n  got      " << got << "\n  expected " << bad.message
        << "...";
    EXPECT_TRUE(absl::EndsWith(got, bad.tail))
        << bad.what << ":\n  got      " << got << "\n  expected ..."
        << bad.tail;
  }
}

}  // namespace
}  // namespace harness
