#include "models/server/presets.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "models/asgi/registry.h"
#include "sim/check.h"

namespace models {
namespace {

// Sources. "ref" is shared/reference/asgi-send-disconnect.md; "[P]" marks a
// behaviour observed on the Debian package by tests/conformance (see
// docs/servers/*.md and docs/fidelity.md).
constexpr char kRef[] = "ref §2.1";
constexpr char kRefWs[] = "ref §2.2";

class Builder {
 public:
  Builder(const char* name, const char* description, bool http,
          bool websocket) {
    preset_.name = name;
    preset_.description = description;
    preset_.http = http;
    preset_.websocket = websocket;
  }
  // A later version of `base`: its policy and sources, under a new name.
  Builder(Preset base, std::string name, std::string description)
      : preset_(std::move(base)) {
    preset_.name = std::move(name);
    preset_.description = std::move(description);
  }
  Builder& Set(const char* field, const char* value, std::string source) {
    const absl::Status s = SetPolicyField(preset_.policy, field, value);
    SIM_CHECK(s.ok()) << "preset " << preset_.name << ": " << s.message();
    preset_.sources[field] = std::move(source);
    return *this;
  }
  // Rewrites every source carried over from a base version (its tag, the
  // observation marks that do not carry over).
  Builder& RewriteSources(
      std::initializer_list<std::pair<absl::string_view, absl::string_view>>
          replacements) {
    for (auto& [field, source] : preset_.sources)
      source = absl::StrReplaceAll(source, replacements);
    return *this;
  }
  // No watchdog: kill-after none (cited), its other two fields "n/a".
  Builder& NoWatchdog(std::string kill_after_source,
                      const char* not_applicable = "n/a") {
    Set("kill-after", "none", std::move(kill_after_source));
    Set("kill-check-interval", "1s", not_applicable);
    return Set("complete-stamps-kill-clock", "no", not_applicable);
  }
  Builder& Alternative() {
    preset_.design_alternative = true;
    return *this;
  }
  Preset Build() { return std::move(preset_); }

 private:
  Preset preset_;
};

// uvicorn 0.17.6 HTTP: h11_impl.py and httptools_impl.py are identical in
// every disconnect path; `file` names the one cited.
Preset Uvicorn0176Http(const char* name, const char* file, const char* l_send,
                       const char* l_lost, const char* l_recv) {
  const std::string f = absl::StrCat(file, "@0.17.6");
  return Builder(name, absl::StrCat("uvicorn 0.17.6, HTTP with ", file).c_str(),
                 true, false)
      .Set("spec-version", "2.3",
           absl::StrCat(f, " scope asgi spec_version \"2.3\" [P]"))
      .Set("transport", "uvloop",
           "--loop auto picks uvloop (loops/auto.py@0.17.6 ≈L1-11) [P: "
           "uvloop.Loop]")
      .Set("send-after-close", "noop",
           absl::StrCat("`if self.disconnected: return` (", f, " ", l_send,
                        ") [P: 20/20 sends after FIN or RST returned]"))
      .Set("close-masks-invalid", "yes",
           absl::StrCat("the disconnected check precedes the order checks (", f,
                        " ", l_send, "); ", kRef,
                        " [P: body-before-start accepted]"))
      .Set("invalid-report", "uvicorn",
           absl::StrCat(
               "RuntimeError(\"Expected ASGI message 'http.response.start', "
               "but got '%s'.\") (",
               f, " send)"))
      .Set("after-complete", "raise",
           absl::StrCat("RuntimeError(\"Unexpected ASGI message '%s' sent, "
                        "after response "
                        "already completed.\") (",
                        f, ") [P]"))
      .Set("flow-release", "released",
           absl::StrCat("connection_lost calls flow.resume_writing() (", f, " ",
                        l_lost, ") [P probes flow-http]"))
      .Set("log-dropped-sends", "no",
           "sends after the close return before any log")
      .Set("delivery", "repeat",
           absl::StrCat("receive returns http.disconnect on every call (", f,
                        " ", l_recv, ") [P: 3/3]"))
      .Set("fin", "connection-lost",
           absl::StrCat("eof_received returns None, the transport calls "
                        "connection_lost(None) (",
                        f, " ≈L112-113) [P: within 1 ms]"))
      .Set("complete-is-disconnect", "yes",
           absl::StrCat(
               "receive: `if self.disconnected or self.response_complete` (", f,
               " ", l_recv, ")"))
      .Set("loss-after-complete-ignored", "yes",
           absl::StrCat("`if self.cycle and not self.cycle.response_complete: "
                        "self.cycle.disconnected = True` (",
                        f, " ", l_lost, ")"))
      .Set("log-incomplete-response", "yes",
           absl::StrCat(
               "\"ASGI callable returned without starting response.\" (", f,
               " run_asgi)"))
      .Set("own-exception", "logged",
           absl::StrCat("run_asgi: except BaseException -> logger.error (", f,
                        " ≈L364-388)"))
      .Set(
          "error-log", "Exception in ASGI application",
          absl::StrCat("run_asgi (", f, " ≈L364-388) [P: ERROR uvicorn.error]"))
      .NoWatchdog(
          "no task is cancelled on disconnect (encode/uvicorn#501) [P: "
          "running after 15 s]",
          "n/a (no watchdog)")
      .Build();
}

Preset UvicornHttp(const char* name, const char* version,
                   const char* send_after_close, const char* own_exception,
                   std::string send_source, std::string own_source,
                   std::string description) {
  const std::string tag = absl::StrCat("@", version);
  return Builder(Uvicorn0176Http(name, "h11_impl.py", "≈L412-413", "≈L88-110",
                                 "≈L485-509"),
                 name, std::move(description))
      .RewriteSources({{"@0.17.6", tag},
                       {" [P: 20/20 sends after FIN or RST returned]", ""},
                       {" [P: within 1 ms]", ""},
                       {" [P: 3/3]", ""}})
      .Set("send-after-close", send_after_close, std::move(send_source))
      .Set("own-exception", own_exception, std::move(own_source))
      .Build();
}

Preset Uvicorn0176Websockets() {
  const std::string f = "websockets_impl.py@0.17.6";
  return Builder("uvicorn-0.17.6-websockets",
                 "uvicorn 0.17.6, WebSocket with the websockets 10.4 (legacy) "
                 "library",
                 false, true)
      .Set("ws-spec-version", "2.3", f + " ≈L129 [P]")
      .Set("transport", "uvloop",
           "--loop auto picks uvloop (loops/auto.py@0.17.6) [P]")
      .Set("send-after-close", "noop",
           "no check of its own: sends go to the library")
      .Set("library-errors", "leak",
           "await self.send(data) without try (" + f +
               " ≈L207-269) [P: ConnectionClosedOK]")
      .Set("flow-release", "released",
           "connection_lost wakes the drain waiter (legacy/protocol.py@10.4 "
           "≈L1534-1545) [P probes]")
      .Set("log-dropped-sends", "no", "nothing logged per send")
      .Set("delivery", "repeat",
           "closed_event set: every receive returns the disconnect (" + f +
               " ≈L271-297) [P: 3/3]")
      .Set("fin", "connection-lost",
           "eof_received -> fail_connection(1006) (legacy/protocol.py "
           "≈L1564-1577)")
      .Set(
          "ws-library", "websockets",
          "ensure_open(): CLOSING waits for close_connection_task, then raises "
          "(legacy/protocol.py@10.4 ≈L925-957)")
      .Set("ws-own-close-queues-disconnect", "no", "n/a (websockets impl)")
      .Set("ws-code-close-frame", "peer",
           "recv() raises ConnectionClosed; code = exc.code (" + f +
               " ≈L284-288) [P: 1000]")
      .Set("ws-code-fin", "peer", "1006: no close frame (" + f + ") [P: 1006]")
      .Set("ws-code-rst", "peer", "1006 [P: 1006]")
      .Set("ws-closed-guard", "no",
           "closed_event is never set by the transport (" + f + " ≈L86-96)")
      .Set("ws-receive-marks-closed", "yes",
           "asgi_receive sets closed_event on ConnectionClosed (" + f +
               " ≈L284-288) [P]")
      .Set("ws-close-twice-raises", "yes",
           "RuntimeError(\"Unexpected ASGI message '%s', after sending "
           "'websocket.close'.\") (" +
               f + " ≈L267-269) [P]")
      .Set("ws-on-app-exit", "close-1000",
           "websockets' handler close() sends 1000 (legacy/server.py@10.4 "
           "≈L243)")
      .Set("own-exception", "logged",
           "run_asgi logs every exception (" + f + " ≈L178-205) [P]")
      .Set("error-log", "Exception in ASGI application", f + " ≈L178-205 [P]")
      .Set("kill-after", "none", "never cancelled [P]")
      .Set("kill-check-interval", "1s", "n/a (no watchdog)")
      .Set("complete-stamps-kill-clock", "no", "n/a")
      .Build();
}

Preset Uvicorn0176Wsproto() {
  const std::string f = "wsproto_impl.py@0.17.6";
  return Builder("uvicorn-0.17.6-wsproto",
                 "uvicorn 0.17.6, WebSocket with wsproto 1.2.0", false, true)
      .Set("ws-spec-version", "2.3", f + " ≈L140 [P]")
      .Set("transport", "uvloop",
           "--loop auto picks uvloop [P]; the accept write is unguarded (" + f +
               " ≈L255-262)")
      .Set("send-after-close", "noop",
           "writes skipped `if not self.transport.is_closing()` (" + f +
               " ≈L286-292) [P: 40/40 after RST]")
      .Set("library-errors", "leak",
           "conn.send() raises LocalProtocolError unless OPEN (" + f + ") [P]")
      .Set("flow-release", "not-released",
           "`writable` is not set in connection_lost (" + f +
               " ≈L66-76) [P probes: blocked 3 s after RST]")
      .Set("log-dropped-sends", "no", "nothing logged")
      .Set("delivery", "once",
           "receive is queue.get() (" + f +
               " ≈L317-322) [P: disconnect, blocked, blocked]")
      .Set("fin", "connection-lost",
           "eof_received returns None (" + f + " ≈L78-79)")
      .Set("ws-library", "wsproto",
           "wsproto Connection (connection.py@1.2.0 ≈L89-110)")
      .Set("ws-own-close-queues-disconnect", "yes",
           "close queues the app's own code (" + f + " ≈L298)")
      .Set("ws-code-close-frame", "peer",
           "handle_close queues event.code (" + f + " ≈L190-194) [P: 1000]")
      .Set("ws-code-fin", "nothing-queued",
           "connection_lost queues only `if exc is not None` (" + f +
               " ≈L67-68), encode/uvicorn#997 [P: blocked x3]")
      .Set("ws-code-rst", "no-code-key",
           "{\"type\": \"websocket.disconnect\"} without code (" + f +
               " ≈L67-68) [P]")
      .Set("ws-closed-guard", "no", "only close_sent is checked (" + f + ")")
      .Set("ws-receive-marks-closed", "no", "receive does not touch close_sent")
      .Set("ws-close-twice-raises", "yes",
           "after close_sent: RuntimeError \"... after sending "
           "'websocket.close'.\" (" +
               f + " ≈L313-315) [P]")
      .Set("ws-on-app-exit", "nothing",
           "no close frame, transport left open (" + f + " ≈L217-235)")
      .Set("own-exception", "logged", "run_asgi logs (" + f + " ≈L217-235) [P]")
      .Set("error-log", "Exception in ASGI application", f + " run_asgi [P]")
      .NoWatchdog("never cancelled (encode/uvicorn#997: zombie tasks)")
      .Build();
}

Preset UvicornCurrentSansio() {
  const std::string f = "websockets_sansio_impl.py@d26c85c (0.51)";
  return Builder("uvicorn-0.51-sansio",
                 "uvicorn 0.51 (current), WebSocket with websockets sans-I/O "
                 "(the --ws auto default)",
                 false, true)
      .Set("ws-spec-version", "2.4",
           std::string(kRefWs) + " uvicorn current sansio row: scope \"2.4\"")
      .Set("transport", "asyncio",
           "asyncio loop: writes to a dead transport are dropped (" +
               std::string(kRefWs) + "; uvloop would raise RuntimeError)")
      .Set("send-after-close", "raise",
           "InvalidState -> ClientDisconnected(OSError) (" + f + " ≈L440-467)")
      .Set("library-errors", "translate", f + " ≈L440-467")
      .Set("flow-release", "released",
           "the sansio impl never pauses (no pause_writing), ref property 5")
      .Set("log-dropped-sends", "no",
           "asyncio warns only after 5 dropped writes")
      .Set("delivery", "once",
           "queued on connection_lost and on a close frame; later receive "
           "blocks (" +
               f + " ≈L126-138)")
      .Set("fin", "connection-lost",
           "connection_lost queues websocket.disconnect (" + f + " ≈L126-138)")
      .Set("ws-library", "sansio",
           "protocol state stays OPEN after TCP loss (" + f + " ≈L126-138)")
      .Set("ws-own-close-queues-disconnect", "no", "not in the sansio impl")
      .Set("ws-code-close-frame", "peer", "peer code/reason (" + f + ")")
      .Set("ws-code-fin", "peer",
           "1005 on connection_lost, ref §2.2 (modelled as 1006: no close "
           "frame)")
      .Set("ws-code-rst", "peer", "as FIN")
      .Set("ws-closed-guard", "no",
           "no receive-side flag (" + std::string(kRefWs) + ")")
      .Set("ws-receive-marks-closed", "no", "no such flag in sansio")
      .Set("ws-close-twice-raises", "no",
           "close is a no-op when closing (fixed 0.42.0, encode/uvicorn#2825)")
      .Set("ws-on-app-exit", "close-1000", "close 1000 on app exit (" + f + ")")
      .Set("own-exception", "silent-exact",
           "run_asgi swallows ClientDisconnected (" + f + " ≈L356-370)")
      .Set("error-log", "Exception in ASGI application", f + " run_asgi")
      .NoWatchdog("never cancelled (encode/uvicorn#501)")
      .Build();
}

Preset UvicornCurrentWsproto() {
  const std::string f = "wsproto_impl.py@d26c85c (0.51)";
  return Builder(
             Uvicorn0176Wsproto(), "uvicorn-0.51-wsproto",
             "uvicorn 0.51 (current), WebSocket with wsproto (--ws wsproto)")
      .RewriteSources({{"@0.17.6", "@d26c85c"}})
      .Set("ws-spec-version", "2.4",
           std::string(kRefWs) +
               " (uvicorn >= 0.27 advertises 2.4 for WebSocket)")
      .Set("transport", "asyncio",
           "asyncio loop (writes skipped when closing, " + f + " ≈L427)")
      .Set("send-after-close", "raise",
           "LocalProtocolError -> ClientDisconnected (" + f + " ≈L444-445)")
      .Set("library-errors", "translate", f + " ≈L444-445")
      .Set("flow-release", "not-released",
           "`writable` cleared in pause_writing, not set in connection_lost (" +
               f + " ≈L183-193), ref property 5 [C]")
      .Set("ws-code-fin", "peer",
           "always queued on connection_lost since 0.20.0 "
           "(encode/uvicorn#996) (" +
               f + " ≈L137-149)")
      .Set("ws-code-rst", "peer", f + " ≈L137-149")
      .Set("own-exception", "silent-exact",
           "run_asgi swallows ClientDisconnected (uvicorn >= 0.27)")
      .Build();
}

// hypercorn 0.13.2's WebSocket fields: wsproto 1.2.0 driven by WSStream.
void Hypercorn0132WebSocket(Builder& b) {
  const std::string w = "protocol/ws_stream.py@0.13.2";
  b.Set("library-errors", "leak",
        "connection.send() without try (" + w +
            " ≈L275-283); second close leaks LocalProtocolError [P]")
      .Set("ws-library", "wsproto", "wsproto 1.2.0 via WSStream (" + w + ")")
      .Set("ws-own-close-queues-disconnect", "no", "not in hypercorn")
      .Set("ws-code-close-frame", "1006",
           "code 1000 only if the app closed, else 1006 (" + w +
               " ≈L238-245) [P: 1006 for 1000]")
      .Set("ws-code-fin", "nothing-queued",
           "FIN never reaches the stream [P: blocked x3]")
      .Set("ws-code-rst", "1006", w + " ≈L238-245 [P: 1006]")
      .Set("ws-closed-guard", "yes",
           "`if self.closed: return` (" + w + " ≈L248-250)")
      .Set("ws-receive-marks-closed", "no",
           "the ASGI state changes only through the app's messages")
      .Set("ws-close-twice-raises", "no",
           "send after own close: UnexpectedMessageError; second close: "
           "wsproto LocalProtocolError (" +
               w + " ≈L289-297) [P]")
      .Set("ws-on-app-exit", "close-1006",
           "send(None) in CONNECTED sends CloseConnection(1006) (" + w +
               " ≈L252-261)");
}

Preset Hypercorn0132() {
  const std::string h = "protocol/http_stream.py@0.13.2";
  const std::string w = "protocol/ws_stream.py@0.13.2";
  const std::string t = "asyncio/tcp_server.py@0.13.2";
  Builder b("hypercorn-0.13.2",
            "hypercorn 0.13.2 (asyncio worker), HTTP/1.1 with h11, "
            "WebSocket with wsproto",
            true, true);
  b.Set("spec-version", "2.1", h + " ≈L78 [P]")
      .Set("ws-spec-version", "2.3", w + " ≈L210 [P]")
      .Set("transport", "streams",
           "asyncio streams: drain() raises, protocol_send turns "
           "ConnectionError into Closed (" +
               t + " ≈L90-97)")
      .Set("send-after-close", "noop",
           "`if self.closed: return  # Allow app to finish after close` (" + h +
               " ≈L113-115) [P]")
      .Set("close-masks-invalid", "yes",
           "the closed check comes first (" + h + " ≈L113-115)")
      .Set("invalid-report", "hypercorn",
           "UnexpectedMessageError(\"Unexpected message type, %s given the "
           "state ...\") (utils.py@0.13.2 ≈L65-67)")
      .Set("after-complete", "ignore",
           "more_body=False sends StreamClosed at once (" + h +
               " ≈L168-175) [P]")
      .Set("flow-release", "released",
           "drain() is woken with ConnectionResetError and caught [P probes "
           "flow-http]")
      .Set("log-dropped-sends", "no", "nothing logged")
      .Set("delivery", "once",
           "one http.disconnect at StreamClosed; later receive blocks (" + h +
               " ≈L107-110) [P]")
      .Set("fin", "ignored",
           "h11 ConnectionClosed only breaks the loop; _read_data emits Closed "
           "only on exceptions (" +
               t + " ≈L107-121), pgjones/hypercorn#50 [P: blocked x3]")
      .Set("complete-is-disconnect", "yes",
           "StreamClosed at the final body closes the stream (" + h +
               " ≈L168-175)")
      .Set("loss-after-complete-ignored", "no", "the stream is already closed")
      .Set("log-incomplete-response", "no",
           "send(None) closes the stream silently (" + h + " ≈L117-121)")
      .Set("own-exception", "logged",
           "except Exception: log.exception (asyncio/task_group.py@0.13.2 "
           "≈L13-27)")
      .Set("error-log", "Error in ASGI Framework",
           "asyncio/task_group.py@0.13.2 ≈L13-27")
      .NoWatchdog("no cancel on disconnect [P: running]");
  Hypercorn0132WebSocket(b);
  return b.Build();
}

Preset Hypercorn0180() {
  return Builder(
             Hypercorn0132(), "hypercorn-0.18.0",
             "hypercorn 0.18.0 (current), HTTP/1.1 with h11, WebSocket with "
             "wsproto")
      .RewriteSources({{"@0.13.2", "@0.18.0"},
                       {" [P]", ""},
                       {" [P: blocked x3]", ""},
                       {" [P: running]", ""}})
      .Set("fin", "connection-lost",
           "Closed is sent on the reading end too (commit 8a3e512, 0.14.4; "
           "pgjones/hypercorn#50)")
      .Set("ws-code-fin", "1006",
           "fixed with the FIN (8a3e512): StreamClosed -> 1006")
      .Set("close-masks-invalid", "no",
           "app_send no longer checks closed; the state machine is independent "
           "of it (" +
               std::string(kRef) + " hypercorn 0.18.0 row)")
      .Set("library-errors", "swallow",
           "LocalProtocolError swallowed by _send_wsproto_event since 0.16.0 "
           "(0bb4fb9, pgjones/hypercorn#177)")
      .Build();
}

// daphne 4.0.0's WebSocket fields: autobahn 22.7.1 and daphne's glue.
void Daphne400WebSocket(Builder& b) {
  const std::string s = "server.py@4.0.0";
  const std::string w = "ws_protocol.py@4.0.0";
  b.Set("library-errors", "leak",
        "sendMessage raises Disconnected unless OPEN "
        "(autobahn/websocket/protocol.py ≈L2259-2275) [P]")
      .Set("ws-library", "autobahn",
           "onCloseFrame: dropConnection sets CLOSED at once; onClose runs on "
           "connectionLost one turn later "
           "(autobahn protocol.py ≈L704-801, ≈L900) [P probes tight-ws: 5/8 "
           "runs]")
      .Set("ws-own-close-queues-disconnect", "no", "onClose queues it")
      .Set("ws-code-close-frame", "peer",
           "onClose(wasClean, code) -> code (" + w + " ≈L158-177) [P: 1000]")
      .Set("ws-code-fin", "peer", "onClose(False, 1006) [P: 1006]")
      .Set("ws-code-rst", "peer", "onClose(False, 1006) [P: 1006]")
      .Set("ws-closed-guard", "yes",
           "server-level disconnected stamp, set in onClose (" + s +
               " ≈L224-232)")
      .Set("ws-receive-marks-closed", "no", "receive is a plain queue")
      .Set("ws-close-twice-raises", "no",
           "sendCloseFrame ignores CLOSING (autobahn ≈L2004-2006) [P]")
      .Set("ws-on-app-exit", "nothing",
           "a returning app leaves the socket open (application_checker only "
           "reaps)");
}

Preset Daphne400() {
  const std::string s = "server.py@4.0.0";
  const std::string h = "http_protocol.py@4.0.0";
  const std::string w = "ws_protocol.py@4.0.0";
  Builder b("daphne-4.0.0", "daphne 4.0.0 on Twisted 22.4 and autobahn 22.7.1",
            true, true);
  b.Set("spec-version", "absent",
        "scope has no spec_version (" + s + " ≈L209) [P]")
      .Set("ws-spec-version", "absent", s + " ≈L209 [P]")
      .Set(
          "transport", "buffered",
          "Twisted buffers every write without limit [P probes: 1361 x 64 KiB]")
      .Set(
          "send-after-close", "noop",
          "handle_reply returns when the connection is stamped disconnected (" +
              s + " ≈L224-240) [P]")
      .Set("close-masks-invalid", "yes",
           "the disconnected check is first (" + s + " ≈L224-240)")
      .Set("invalid-report", "daphne",
           "ValueError(\"HTTP response has already been started\") ... (" + h +
               " ≈L228-294)")
      .Set("after-complete", "ignore",
           "finish() stamps disconnected (" + h + " ≈L216-224) [P]")
      .Set("flow-release", "no-backpressure",
           "send() never suspends [P probes]")
      .Set("log-dropped-sends", "no", "nothing logged")
      .Set("delivery", "once",
           "disconnect queued on connectionLost / onClose; then receive blocks "
           "[P]")
      .Set("fin", "connection-lost",
           "HTTPChannel.connectionLost -> request.connectionLost (" + h +
               " ≈L206-214) [P]")
      .Set("complete-is-disconnect", "yes",
           "finish() calls send_disconnect() (" + h + " ≈L216-224)")
      .Set("loss-after-complete-ignored", "no",
           "connectionLost always stamps (" + s + " ≈L188-194)")
      .Set("log-incomplete-response", "no",
           "returning without a response is not logged")
      .Set("own-exception", "logged",
           "\"Exception inside application: %s\" (" + s + " ≈L285-300)")
      .Set("error-log", "Exception inside application",
           s + " ≈L285-300 (daphne.server)")
      .Set("kill-after", "10s",
           "application_close_timeout 10 s (cli.py@4.0.0 ≈L111-115) [P: "
           "cancelled 10.0-11.0 s]")
      .Set("kill-check-interval", "1s",
           "application_checker re-armed with callLater(1) (" + s + " ≈L308)")
      .Set("complete-stamps-kill-clock", "yes",
           "finish() stamps disconnected, so post-response work is killed (" +
               h + " ≈L216-224), django/daphne#533 [P: 11.1 s]");
  Daphne400WebSocket(b);
  return b.Build();
}

Preset Granian28Http() {
  const std::string f = "src/asgi/io.rs@9a20b17 (2.8.1+)";
  return Builder("granian-2.8",
                 "granian 2.8 (Rust, hyper + tokio), HTTP [code reading only]",
                 true, false)
      .Set("spec-version", "2.3", "src/asgi/utils.rs ≈L37 [C]")
      .Set("transport", "buffered",
           "body frames go into a tokio mpsc (capacity 4) (" + f +
               " ≈L88-132) [C]")
      .Set("send-after-close", "noop",
           "on SendError: log and return (" + f + " ≈L88-132) [C]")
      .Set("close-masks-invalid", "no",
           "flow errors are raised regardless of the disconnect [C]")
      .Set("invalid-report", "granian",
           "RuntimeError(\"ASGI flow error: ...\") (" + f + " ≈L201-324) [C]")
      .Set("after-complete", "raise",
           "RuntimeError(\"ASGI flow error: Response already finished\") [C]")
      .Set("flow-release", "released",
           "tokio channel closes with the body stream [C]")
      .Set("log-dropped-sends", "yes",
           "INFO \"ASGI transport error: ...\" per chunk, "
           "emmett-framework/granian#650 [C]")
      .Set("delivery", "repeat",
           "http.disconnect on every call once flow_rx_closed (" + f +
               " ≈L141-199) [C]")
      .Set("fin", "connection-lost",
           "Notify::notify_one on disconnect (src/workers.rs ≈L703) [C]")
      .Set("complete-is-disconnect", "no",
           "only the closed flag triggers the disconnect [C]")
      .Set("loss-after-complete-ignored", "no", "[C]")
      .Set("log-incomplete-response", "no", "[C]")
      .Set("own-exception", "logged",
           "ERROR \"Application callable raised an exception\" (src/utils.rs "
           "≈L44-51) [C]")
      .Set("error-log", "Application callable raised an exception",
           "src/utils.rs ≈L44-51 [C]")
      .NoWatchdog("never cancelled (emmett-framework/granian#286, #412)")
      .Build();
}

Preset Granian28Ws() {
  const std::string f = "src/asgi/io.rs@9a20b17 (2.8.1+)";
  return Builder("granian-2.8-ws", "granian 2.8, WebSocket [code reading only]",
                 false, true)
      .Set("ws-spec-version", "2.3", "src/asgi/utils.rs ≈L37 [C]")
      .Set("transport", "buffered", "tokio channel [C]")
      .Set("send-after-close", "raise-runtime-error",
           "RuntimeError(\"ASGI flow error: Transport not initialized or "
           "closed\") (" +
               f + " ≈L488-508) [C]")
      .Set("library-errors", "translate",
           "the closed flag is checked by granian itself [C]")
      .Set("flow-release", "released", "[C]")
      .Set("log-dropped-sends", "no",
           "INFO only when the flag was set concurrently [C]")
      .Set("delivery", "once",
           "closed=True on a Close frame or recv error (" + f +
               " ≈L552-612) [C]")
      .Set("fin", "connection-lost", "any recv error closes [C]")
      .Set("ws-library", "ideal", "tungstenite, no leaking states modelled [C]")
      .Set("ws-own-close-queues-disconnect", "no", "[C]")
      .Set("ws-code-close-frame", "peer", "[C]")
      .Set("ws-code-fin", "peer", "[C]")
      .Set("ws-code-rst", "peer", "[C]")
      .Set("ws-closed-guard", "yes",
           "the closed flag is checked first (" + f + " ≈L488-508) [C]")
      .Set("ws-receive-marks-closed", "no", "[C]")
      .Set("ws-close-twice-raises", "no",
           "close after close is a no-op (" + f + " ≈L511-527) [C]")
      .Set("ws-on-app-exit", "close-1000", "[C]")
      .Set("own-exception", "logged", "src/utils.rs ≈L44-51 [C]")
      .Set("error-log", "Application callable raised an exception",
           "src/utils.rs ≈L44-51 [C]")
      .NoWatchdog("never cancelled [C]")
      .Build();
}

// A reference server: the spec's text for everything, and one strategy.
Preset Reference(const char* name, const char* description, const char* spec,
                 const char* strategy, const char* own,
                 std::string strategy_source) {
  const std::string www = "asgiref specs/www.rst (2.5)";
  return Builder(name, description, true, true)
      .Alternative()
      .Set("spec-version", spec,
           "the version whose rule this strategy follows (no version specifies "
           "results or "
           "futures: those advertise 2.3, whose send() does not raise)")
      .Set("ws-spec-version", spec, "as spec-version")
      .Set("transport", "asyncio", "plain asyncio")
      .Set("send-after-close", strategy, std::move(strategy_source))
      .Set("library-errors", "translate",
           "the strategy applies to every refusal")
      .Set("close-masks-invalid", "yes",
           "asgi.rst: after the close, send acts per the strategy")
      .Set("invalid-report", "spec",
           "asgi.rst: an invalid event should raise out of send")
      .Set("after-complete", "ignore",
           www + " ≈L256: \"any further messages ... will be ignored\"")
      .Set("flow-release", "released",
           "asgi.rst ≈L171-173: send returns once the connection has been "
           "closed")
      .Set("log-dropped-sends", "no",
           "nothing to log: a normal client disconnect")
      .Set("delivery", "repeat",
           www + " ≈L256-271: http.disconnect on every receive after the close")
      .Set("fin", "connection-lost",
           "a clean FIN is a disconnect (ref property 4)")
      .Set("complete-is-disconnect", "yes",
           www + ": \"receive is called after a response has been sent\"")
      .Set("loss-after-complete-ignored", "no", "a loss is always a disconnect")
      .Set("log-incomplete-response", "no", "not an error after a disconnect")
      .Set("ws-library", "ideal", "no library states leak")
      .Set("ws-own-close-queues-disconnect", "no", "not in the spec")
      .Set("ws-code-close-frame", "peer",
           www + " ≈L441-463: the peer's code, 1005 if none")
      .Set("ws-code-fin", "peer", "1006: abnormal closure (RFC 6455 §7.1.5)")
      .Set("ws-code-rst", "peer", "1006")
      .Set("ws-closed-guard", "yes",
           "the server checks its own closed state first")
      .Set("ws-receive-marks-closed", "no",
           "receiving the disconnect closes nothing")
      .Set("ws-close-twice-raises", "no",
           "a second close is an idempotent no-op (ref property 8)")
      .Set("ws-on-app-exit", "close-1000",
           www + " ≈L294: if the application dies the socket should be closed")
      .Set("own-exception", own,
           "asgi.rst: the server catches its own exception and does not log it")
      .Set("error-log", "Exception in ASGI application", "any text")
      .NoWatchdog("the spec has no kill timeout (ref §1.1)")
      .Build();
}

// The logger each server's runner logs app exceptions to.
void SetErrorLogger(Preset& p) {
  struct Family {
    const char* prefix;
    const char* logger;
    const char* source;
  };
  static constexpr Family kFamilies[] = {
      {"uvicorn", "uvicorn.error",
       "logging.getLogger(\"uvicorn.error\") (config.py) [P: uvicorn.error]"},
      {"hypercorn", "hypercorn.error",
       "config.log.exception -> hypercorn.error (logging.py ≈L56-58)"},
      {"daphne", "daphne.server", "logging.getLogger(__name__) in server.py"},
      {"granian", "_granian", "granian's Python logger [C]"},
      {"ref", "server.error", "any logger"},
  };
  for (const Family& f : kFamilies) {
    if (!absl::StartsWith(p.name, f.prefix)) continue;
    p.policy.error_logger = f.logger;
    p.sources["error-logger"] = f.source;
    return;
  }
}

// The server's own raises, log lines, timers and cancellation, per family:
// every preset speaks its own server's vocabulary. Where the server has no
// such raise or line (the mechanism is switched off in its preset), the
// value is what it would plausibly say, in its own logger, marked
// "[not in X]"; the reference servers get neutral texts.
struct Vocabulary {
  const char* field;
  const char* value;
  const char* source;
};

constexpr Vocabulary kUvicornVocabulary[] = {
    {"send-error", "ClientDisconnected(OSError)",
     "uvicorn/protocols/utils.py ClientDisconnected, raised bare (0.27.0, "
     "encode/uvicorn#2218; OSError base since 0.30.3, #2393) [not in 0.17.6]"},
    {"send-runtime-error",
     "RuntimeError: unable to perform operation on <TCPTransport closed=True "
     "reading=False>; the handler is closed",
     "the RuntimeError a write to a closed uvloop transport raises under "
     "uvicorn (ref §3 #8, encode/uvicorn#1480)"},
    {"after-complete-error",
     "RuntimeError: Unexpected ASGI message '%s' sent, after response already "
     "completed.",
     "h11_impl.py send (ref §2.1 uvicorn rows) [P]"},
    {"ws-after-close-error",
     "RuntimeError: Unexpected ASGI message '%s', after sending "
     "'websocket.close'.",
     "websockets_impl.py@0.17.6 ≈L267-269, wsproto_impl.py ≈L462 (ref §2.2) "
     "[P]"},
    {"dropped-send-log",
     "INFO uvicorn.error: ASGI send dropped: the client disconnected",
     "[not in uvicorn: nothing is logged per dropped send] its logger"},
    {"incomplete-response-log",
     "ERROR uvicorn.error: ASGI callable returned without %s response.",
     "run_asgi: \"ASGI callable returned without starting response.\" / "
     "\"... completing response.\" (h11_impl.py@0.17.6 ≈L376-381)"},
    {"kill-log",
     "ERROR uvicorn.error: Cancel 1 running task(s), timeout graceful shutdown "
     "exceeded",
     "uvicorn cancels tasks only at shutdown and logs this (server.py, ref "
     "§2.1 uvicorn current row) [not in 0.17.6]"},
    {"cancel-on-reset", "no",
     "connection_lost only sets flags and wakes the app (h11_impl.py@0.17.6 "
     "≈L88-110); encode/uvicorn#501 \"Closed connections don't cancel tasks\""},
    {"receive-cancel", "requeue",
     "HTTP: receive() waits on message_event, then builds the message from "
     "self.body (h11_impl.py@0.17.6 ≈L485-509); WebSocket: asyncio.Queue.get "
     "(wsproto_impl.py@0.17.6 ≈L39): nothing is taken before the app resumes"},
    {"request-timeout", "none",
     "no request timeout: timeout_keep_alive only runs between requests "
     "(config.py timeout_keep_alive=5)"},
    {"timeout-check-interval", "2s", "n/a (no request timeout)"},
    {"timeout-log", "WARNING uvicorn.error: Request timed out",
     "[not in uvicorn] its logger"},
};

constexpr Vocabulary kHypercornVocabulary[] = {
    {"send-error", "ClientDisconnected(OSError)",
     "[not in hypercorn: no OSError subclass of its own (utils.py@0.13.2 "
     "defines UnexpectedMessageError)] the spec's server-specific OSError "
     "subclass (www.rst ≈L241-254)"},
    {"send-runtime-error",
     "RuntimeError: unable to perform operation on <TCPTransport closed=True "
     "reading=False>; the handler is closed",
     "under the uvloop worker a closed transport raises this; hypercorn 0.18 "
     "catches it in protocol_send (asyncio/tcp_server.py@0.18.0 ≈L79-93, ref "
     "§2.1 hypercorn 0.18.0 row)"},
    {"after-complete-error",
     "UnexpectedMessageError: Unexpected message type, %s given the state "
     "ASGIHTTPState.CLOSED",
     "http_stream.py@0.18.0 ≈L240-241 (ref §2.1 hypercorn 0.18.0 row)"},
    {"ws-after-close-error",
     "UnexpectedMessageError: Unexpected message type, %s given the state "
     "ASGIWebsocketState.CLOSED",
     "protocol/ws_stream.py@0.13.2 ≈L289-297 (ref §2.2) [P]"},
    {"dropped-send-log",
     "INFO hypercorn.error: ASGI send dropped: the client disconnected",
     "[not in hypercorn: dropped sends are silent] its error logger"},
    {"incomplete-response-log",
     "ERROR hypercorn.error: ASGI callable returned without %s the response",
     "[not in hypercorn: send(None) closes the stream silently] its error "
     "logger"},
    {"kill-log",
     "WARNING hypercorn.error: Application task cancelled after the kill "
     "timeout",
     "[not in hypercorn: it never kills on disconnect] its error logger"},
    {"cancel-on-reset", "no",
     "asyncio: a read error becomes a Closed event (tcp_server.py@0.13.2 "
     "≈L107-121); the TaskGroup cancels the app only when an exception "
     "escapes the connection (asyncio/task_group.py@0.13.2 __aexit__). "
     "HTTP/2 (not modelled): StreamReset -> StreamClosed, no cancel (h2.py)"},
    {"receive-cancel", "requeue",
     "receive is asyncio.Queue.get (asyncio/task_group.py@0.13.2 spawn_app): "
     "a cancelled get leaves the item queued (CPython queues.py)"},
    {"request-timeout", "none",
     "read_timeout defaults to None (config.py@0.13.2 ≈L73); when set it "
     "closes the connection without a log (tcp_server.py ≈L110)"},
    {"timeout-check-interval", "2s", "n/a (no request timeout)"},
    {"timeout-log", "WARNING hypercorn.error: Request timed out",
     "[not in hypercorn: read_timeout closes silently] its error logger"},
};

constexpr Vocabulary kDaphneVocabulary[] = {
    {"send-error", "ClientDisconnected(OSError)",
     "[not in daphne: handle_reply returns silently (server.py@4.0.0 "
     "≈L224-232)] the spec's server-specific OSError subclass"},
    {"send-runtime-error", "Disconnected: Attempt to send on a closed protocol",
     "autobahn.exception.Disconnected, a RuntimeError subclass "
     "(autobahn/websocket/protocol.py ≈L2259-2275) [P]"},
    {"after-complete-error",
     "ValueError: HTTP response has already been started",
     "[not in daphne: finish() stamps disconnected, later messages are "
     "ignored] the ValueError of its order check (http_protocol.py@4.0.0 "
     "≈L239-294)"},
    {"ws-after-close-error",
     "Disconnected: Attempt to send on a closed protocol",
     "autobahn's sendMessage after close (ref §2.2 daphne row) [P]"},
    {"dropped-send-log",
     "INFO daphne.server: ASGI send dropped: the client disconnected",
     "[not in daphne: silent] logging.getLogger(__name__) in server.py"},
    {"incomplete-response-log",
     "ERROR daphne.server: Application returned without %s the response",
     "[not in daphne: not logged] its server logger"},
    {"kill-log",
     "WARNING daphne.server: Application instance <Task pending> for "
     "connection <WebRequest> took too long to shut down and was killed.",
     "application_checker: logger.warning(\"Application instance %r for "
     "connection %s took too long to shut down and was killed.\") "
     "(server.py@4.0.0 ≈L276-282) [P]"},
    {"cancel-on-reset", "no",
     "connectionLost only stamps `disconnected`; the app is cancelled by the "
     "application checker 10 s later (server.py@4.0.0 ≈L188-194, ≈L262-308)"},
    {"receive-cancel", "requeue",
     "receive=input_queue.get, an asyncio.Queue (server.py@4.0.0 ≈L208-212): "
     "a cancelled get leaves the item queued"},
    {"request-timeout", "none",
     "http_timeout defaults to None (server.py@4.0.0 ≈L53; cli "
     "--http-timeout); "
     "check_timeouts logs and finish()es on every tick once exceeded "
     "(http_protocol.py@4.0.0 ≈L302-316)"},
    {"timeout-check-interval", "2s",
     "timeout_checker re-armed with reactor.callLater(2) from server start "
     "(server.py@4.0.0 ≈L125, ≈L327-334)"},
    {"timeout-log",
     "WARNING daphne.http_protocol: Application timed out while sending "
     "response",
     "check_timeouts: logger.warning (http_protocol.py@4.0.0 ≈L309; logger "
     "is __name__)"},
};

constexpr Vocabulary kGranianVocabulary[] = {
    {"send-error", "ClientDisconnected(OSError)",
     "[not in granian: no OSError subclass; it raises RuntimeError] the spec's "
     "server-specific OSError subclass [C]"},
    {"send-runtime-error",
     "RuntimeError: ASGI flow error: Transport not initialized or closed",
     "src/asgi/io.rs@9a20b17 ≈L488-508, errors.rs [C]"},
    {"after-complete-error",
     "RuntimeError: ASGI flow error: Response already finished",
     "src/asgi/io.rs@9a20b17 ≈L201-324 [C]"},
    {"ws-after-close-error", "RuntimeError: ASGI flow error: Transport closed",
     "src/asgi/io.rs@9a20b17 ≈L489-491 [C]"},
    {"dropped-send-log", "INFO _granian: ASGI transport error: SendError",
     "INFO per failed chunk (src/asgi/io.rs ≈L88-132), "
     "emmett-framework/granian#650 [C]"},
    {"incomplete-response-log",
     "ERROR _granian: Application returned without %s the response",
     "[not in granian] its logger [C]"},
    {"kill-log",
     "WARNING _granian: Application task cancelled after the kill timeout",
     "[not in granian: never cancels] its logger [C]"},
    {"cancel-on-reset", "no",
     "the app is never cancelled (emmett-framework/granian#286, #412); "
     "HTTP/2 (not modelled): a stream reset is not even propagated until the "
     "next write (#917) [C]"},
    {"receive-cancel", "requeue",
     "unknown: receive() is a Rust future (pyo3) whose cancellation was not "
     "traced; modelled as requeue [C, unverified]"},
    {"request-timeout", "none", "no request timeout modelled [C]"},
    {"timeout-check-interval", "2s", "n/a (no request timeout)"},
    {"timeout-log", "WARNING _granian: Request timed out",
     "[not in granian] its logger [C]"},
};

constexpr Vocabulary kReferenceVocabulary[] = {
    {"send-error", "ClientDisconnected(OSError)",
     "www.rst ≈L241-254: \"a server-specific subclass of OSError\""},
    {"send-runtime-error", "RuntimeError: send() after the connection closed",
     "neutral text (the design alternative: not an OSError)"},
    {"after-complete-error",
     "RuntimeError: Invalid ASGI message '%s' after the response completed",
     "neutral text"},
    {"ws-after-close-error",
     "RuntimeError: Unexpected ASGI message '%s' after websocket.close",
     "neutral text"},
    {"dropped-send-log", "INFO server.error: send() after the close dropped",
     "neutral text"},
    {"incomplete-response-log",
     "ERROR server.error: application returned without %s the response",
     "neutral text"},
    {"kill-log",
     "WARNING server.error: application cancelled: it outlived the kill "
     "timeout",
     "neutral text"},
    {"cancel-on-reset", "no",
     "off: the spec has no such rule (ref §1.1; gunicorn's ASGI worker "
     "cancels after a 3 s grace, benoitc/gunicorn#3485); can be turned on"},
    {"receive-cancel", "requeue",
     "asyncio.Queue.get semantics; `lost` is the alternative"},
    {"request-timeout", "none", "the spec has no request timeout"},
    {"timeout-check-interval", "2s", "n/a (no request timeout)"},
    {"timeout-log", "WARNING server.error: request timed out", "neutral text"},
};

void SetVocabulary(Preset& p) {
  struct Family {
    const char* prefix;
    absl::Span<const Vocabulary> rows;
  };
  static constexpr Family kFamilies[] = {
      {"uvicorn", kUvicornVocabulary}, {"hypercorn", kHypercornVocabulary},
      {"daphne", kDaphneVocabulary},   {"granian", kGranianVocabulary},
      {"ref", kReferenceVocabulary},
  };
  for (const Family& f : kFamilies) {
    if (!absl::StartsWith(p.name, f.prefix)) continue;
    for (const Vocabulary& v : f.rows) {
      const absl::Status s = SetPolicyField(p.policy, v.field, v.value);
      SIM_CHECK(s.ok()) << "preset " << p.name << ": " << s.message();
      p.sources[v.field] = v.source;
    }
    return;
  }
  SIM_CHECK(false) << "preset " << p.name << " has no vocabulary";
}

std::vector<Preset> MakePresets() {
  std::vector<Preset> p;
  p.push_back(Uvicorn0176Http("uvicorn-0.17.6-h11", "h11_impl.py", "≈L412-413",
                              "≈L88-110", "≈L485-509"));
  p.push_back(Uvicorn0176Http("uvicorn-0.17.6-httptools", "httptools_impl.py",
                              "≈L418-419", "≈L96-110", "≈L521-541"));
  p.push_back(UvicornHttp("uvicorn-0.28.0", "0.28.0", "raise", "silent-exact",
                          "HTTP send raises ClientDisconnected in 0.28.0 only "
                          "(encode/uvicorn#2220, reverted in 0.28.1 "
                          "#2276), ref §2.1",
                          "run_asgi's `except ClientDisconnected` does not "
                          "match an ExceptionGroup (encode/uvicorn#2271, ref "
                          "§3 #6)",
                          "uvicorn 0.28.0, HTTP: the release that raised "
                          "ClientDisconnected from send()"));
  p.push_back(UvicornHttp(
      "uvicorn-0.51-h11", "d26c85c", "noop", "logged",
      "`if self.disconnected: return` (h11_impl.py@d26c85c ≈L460-465), ref "
      "§2.1 uvicorn current row",
      "run_asgi logs every exception (h11_impl.py@d26c85c ≈L414-440)",
      "uvicorn 0.51 (current), HTTP with h11 (httptools identical)"));
  p.push_back(Uvicorn0176Websockets());
  p.push_back(Uvicorn0176Wsproto());
  p.push_back(UvicornCurrentSansio());
  p.push_back(UvicornCurrentWsproto());
  p.push_back(Hypercorn0132());
  p.push_back(Hypercorn0180());
  p.push_back(Daphne400());
  p.push_back(Granian28Http());
  p.push_back(Granian28Ws());
  p.push_back(
      Reference("ref-noop",
                "reference server, spec 2.3: send() after the close is a no-op",
                "2.3", "noop", "logged",
                "asgi.rst@3.6.0 ≈L293-295: \"the send awaitable callable "
                "should act as a no-op\""));
  p.push_back(Reference(
      "ref-raise",
      "reference server, spec 2.4: send() raises ClientDisconnected(OSError)",
      "2.4", "raise", "silent-exact",
      "www.rst ≈L241-254: \"should raise a server-specific subclass of "
      "OSError\""));
  p.push_back(Reference(
      "ref-raise-and-catch",
      "reference server: raises ClientDisconnected and recognises it escaping "
      "the app, "
      "also through task groups",
      "2.4", "raise-and-catch", "silent-anywhere",
      "adriangb's contract (django/asgiref#66, 2023-11-08), PR #431"));
  p.push_back(Reference(
      "ref-result",
      "reference server: send() returns a SendResult (delivered or not)", "2.3",
      "result", "logged",
      "adriangb, django/asgiref#66 (2023-11-20): \"send() to return a "
      "SendResult\""));
  p.push_back(Reference("ref-future",
                        "reference server: send() returns a future resolved "
                        "when the client got the bytes",
                        "2.3", "future", "logged",
                        "the result-future proposal: resolved at delivery or "
                        "when the close is known"));
  for (Preset& preset : p) {
    SetErrorLogger(preset);
    SetVocabulary(preset);
  }
  return p;
}

}  // namespace

std::string Preset::Source(absl::string_view field) const {
  auto it = sources.find(std::string(field));
  return it == sources.end() ? std::string() : it->second;
}

absl::Span<const Preset> Presets() {
  static const std::vector<Preset>* presets =
      new std::vector<Preset>(MakePresets());
  return *presets;
}

const Preset* FindPreset(absl::string_view name) {
  return FindByName(Presets(), name);
}

}  // namespace models
