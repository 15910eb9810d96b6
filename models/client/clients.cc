// Client models: HTTP clients that close (FIN or RST) at chosen points, a
// slow reader, and WebSocket clients that close with a close frame, a FIN or
// an RST. They record what they got in the outcome's ClientView.
#include <memory>

#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"
#include "models/asgi/registry.h"
#include "models/asgi/wire.h"
#include "models/client/client.h"
#include "sim/timeout.h"

namespace models {
namespace {

// Delays a "close at a time drawn from the tape" client picks from.
constexpr sim::Duration kCloseDelays[] = {
    sim::Millis(0),  sim::Millis(5),   sim::Millis(15), sim::Millis(35),
    sim::Millis(75), sim::Millis(155), sim::Millis(315)};

class ClientBase : public Client {
 public:
  explicit ClientBase(ClientContext& ctx) : ctx_(ctx) {}

 protected:
  void Write(uint32_t bytes, const wire::Unit& u) {
    const uint64_t tag = wire::Encode(u);
    ctx_.endpoint.Write(bytes, tag);
    ctx_.executor.Record(kEvClientWrite, 0, static_cast<int64_t>(tag), [&] {
      return absl::StrCat("frame ", static_cast<int>(u.frame), " seq ", u.seq);
    });
  }

  // Reads one segment and records it. Returns false at EOF or reset.
  sim::Task<bool> ReadOne(wire::Unit* unit) {
    const sim::Segment s = co_await ctx_.endpoint.Read();
    ClientView& v = ctx_.outcome.client;
    if (s.kind == sim::Segment::Kind::kRst) {
      v.saw_reset = true;
      co_return false;
    }
    if (s.kind == sim::Segment::Kind::kFin) {
      v.saw_eof = true;
      co_return false;
    }
    const wire::Unit u = wire::Decode(s.tag);
    v.consumed_tags.push_back(s.tag);
    ctx_.executor.Record(kEvClientRead, 0, static_cast<int64_t>(s.tag), [&] {
      return absl::StrCat("frame ", static_cast<int>(u.frame), " seq ", u.seq,
                          u.last ? " (last)" : "");
    });
    switch (u.frame) {
      case wire::Frame::kRespHead:
        v.got_response_head = true;
        v.status = u.code;
        break;
      case wire::Frame::kRespBody:
        ++v.body_chunks;
        if (u.last) {
          v.got_final_body = true;
          v.final_body_time = ctx_.executor.Now();
        }
        break;
      case wire::Frame::kWsAccept:
        v.ws_accepted = true;
        break;
      case wire::Frame::kWsReject:
        v.status = u.code;
        break;
      case wire::Frame::kWsData:
        ++v.ws_messages;
        break;
      case wire::Frame::kWsClose:
        v.ws_close_code = u.code;
        break;
      default:
        break;
    }
    *unit = u;
    co_return true;
  }

  void CloseNow(ClientCloseKind kind, int32_t code = 1000) {
    // No close frame before the handshake completed: a client that gives up
    // then just closes the connection.
    if (kind == ClientCloseKind::kCloseFrame &&
        !ctx_.outcome.client.ws_accepted) {
      kind = ClientCloseKind::kFin;
    }
    if (ctx_.outcome.client_closed == sim::Time::Infinite()) {
      ctx_.outcome.client_closed = ctx_.executor.Now();
      ctx_.outcome.client_close_kind = kind;
      if (kind == ClientCloseKind::kCloseFrame)
        ctx_.outcome.client_close_code = code;
    }
    ctx_.executor.Record(kEvClientClose, static_cast<int>(kind), code,
                         [kind, code] {
                           switch (kind) {
                             case ClientCloseKind::kFin:
                               return std::string("close (FIN)");
                             case ClientCloseKind::kRst:
                               return std::string("abort (RST)");
                             case ClientCloseKind::kCloseFrame:
                               return absl::StrCat("close frame ", code);
                           }
                           return std::string();
                         });
    switch (kind) {
      case ClientCloseKind::kFin:
        // shutdown(SHUT_WR), then close(): FIN first; the kernel follows
        // with RST if response data is still unread (as a real client does).
        ctx_.endpoint.ShutdownWrite();
        ctx_.endpoint.Close();
        break;
      case ClientCloseKind::kRst:
        ctx_.endpoint.Abort();
        break;
      case ClientCloseKind::kCloseFrame:
        Write(4, {wire::Frame::kWsClose, code, 0, true});
        break;
    }
  }

  // Reads until `deadline` or until `stop` says a unit ends the reading
  // (or the stream ends).
  sim::Task<void> ReadUntil(sim::Time deadline,
                            bool (*stop)(const wire::Unit&)) {
    wire::Unit u;
    for (;;) {
      const sim::Duration left = deadline - ctx_.executor.Now();
      if (left <= sim::Duration()) co_return;
      bool more = false;
      try {
        more = co_await sim::WaitFor(ReadOne(&u), left);
      } catch (const sim::TimeoutError&) {
        co_return;
      }
      if (!more || stop(u)) co_return;
    }
  }

  // After our close frame: waits (at most 1 s) for the server's, then
  // closes TCP.
  sim::Task<void> AwaitCloseReplyThenClose() {
    co_await ReadUntil(ctx_.executor.Now() + sim::Seconds(1), &IsCloseFrame);
    ctx_.endpoint.Close();
  }

  // Closes with `kind`; when that sends a close frame, waits for the reply.
  sim::Task<void> Close(ClientCloseKind kind, int32_t code) {
    const bool frame =
        kind == ClientCloseKind::kCloseFrame && ctx_.outcome.client.ws_accepted;
    CloseNow(kind, code);
    if (frame) co_await AwaitCloseReplyThenClose();
  }

  // For a client closing at a random time: now plus a delay drawn from the
  // tape.
  sim::Time DrawCloseDeadline() {
    const uint32_t pick =
        ctx_.executor.Choose(sim::ChoiceKind::kDelay, std::size(kCloseDelays));
    return ctx_.executor.Now() + kCloseDelays[pick];
  }

  static bool IsCloseFrame(const wire::Unit& u) {
    return u.frame == wire::Frame::kWsClose;
  }
  static bool IsFinalBody(const wire::Unit& u) {
    return u.frame == wire::Frame::kRespBody && u.last;
  }

  ClientContext& ctx_;
};

// --- HTTP ---

// Sends a GET (or a request whose body ends only if `complete_request`),
// reads `chunks` body chunks (-1: the whole response), then closes.
class HttpClient : public ClientBase {
 public:
  HttpClient(ClientContext& ctx, int chunks, ClientCloseKind kind,
             bool complete_request = true, sim::Duration read_gap = {})
      : ClientBase(ctx),
        chunks_(chunks),
        kind_(kind),
        complete_request_(complete_request),
        read_gap_(read_gap) {}

  sim::Task<void> Run() override {
    if (complete_request_) {
      Write(120, {wire::Frame::kReqHead, -1, 0, true});
    } else {
      Write(120, {wire::Frame::kReqHead, -1, 0, false});
      Write(1024, {wire::Frame::kReqBody, -1, 0, false});
      CloseNow(kind_);  // before the request ends
      co_return;
    }
    if (chunks_ == 0) {
      CloseNow(kind_);  // before the response
      co_return;
    }
    wire::Unit u;
    while (co_await ReadOne(&u)) {
      if (IsFinalBody(u)) break;
      if (chunks_ > 0 && ctx_.outcome.client.body_chunks >= chunks_) {
        CloseNow(kind_);
        co_return;
      }
      // A slow reader: the unread bytes fill the server's send buffer.
      if (!read_gap_.IsZero()) co_await sim::Sleep(read_gap_);
    }
    CloseNow(kind_);
  }

 private:
  int chunks_;
  ClientCloseKind kind_;
  bool complete_request_;
  sim::Duration read_gap_;
};

// Reads until a delay drawn from the tape has passed, then closes with a
// kind drawn from the tape.
class HttpCloseAtRandom : public ClientBase {
 public:
  using ClientBase::ClientBase;
  sim::Task<void> Run() override {
    Write(120, {wire::Frame::kReqHead, -1, 0, true});
    const sim::Time deadline = DrawCloseDeadline();
    const ClientCloseKind kind =
        ctx_.executor.Choose(sim::ChoiceKind::kPick, 2) == 0
            ? ClientCloseKind::kFin
            : ClientCloseKind::kRst;
    co_await ReadUntil(deadline, &IsFinalBody);
    CloseNow(kind);
  }
};

// --- WebSocket ---

class WsClient : public ClientBase {
 public:
  // Reads `messages` messages, then closes with `kind`; -1 reads until the
  // server closes, answering its close frame after 100 ms (ws-normal).
  WsClient(ClientContext& ctx, int messages, ClientCloseKind kind,
           int32_t code = 1000, sim::Duration stall = {})
      : ClientBase(ctx),
        messages_(messages),
        kind_(kind),
        code_(code),
        stall_(stall) {}

  sim::Task<void> Run() override {
    Write(160, {wire::Frame::kWsUpgrade, -1, 0, false});
    if (messages_ == 0) {
      CloseNow(kind_, code_);  // before the accept
      co_return;
    }
    wire::Unit u;
    bool server_closed = false;
    for (;;) {
      // After the accept, wait at most 200 ms for each message: an app that
      // sends nothing still gets its close.
      bool more = false;
      if (messages_ >= 0 && ctx_.outcome.client.ws_accepted) {
        try {
          more = co_await sim::WaitFor(ReadOne(&u), sim::Millis(200));
        } catch (const sim::TimeoutError&) {
          break;
        }
      } else {
        more = co_await ReadOne(&u);
      }
      if (!more || u.frame == wire::Frame::kWsReject) break;
      if (u.frame == wire::Frame::kWsClose) {
        server_closed = true;
        break;
      }
      if (messages_ >= 0 && ctx_.outcome.client.ws_messages >= messages_ &&
          ctx_.outcome.client.ws_accepted) {
        break;
      }
    }
    if (server_closed) {
      // Answer the server's close frame, as a browser does.
      co_await sim::Sleep(sim::Millis(100));
      CloseNow(ClientCloseKind::kCloseFrame, u.code < 0 ? 1000 : u.code);
      co_await sim::Sleep(sim::Millis(1));
      ctx_.endpoint.Close();
      co_return;
    }
    // Stop reading for a while before closing (backpressure builds up).
    if (!stall_.IsZero()) co_await sim::Sleep(stall_);
    if (messages_ < 0) {
      CloseNow(ClientCloseKind::kFin);
      co_return;
    }
    co_await Close(kind_, code_);
  }

 private:
  int messages_;
  ClientCloseKind kind_;
  int32_t code_;
  sim::Duration stall_;
};

// Closes after a delay drawn from the tape, with a close frame, a FIN or an
// RST drawn from the tape.
class WsCloseAtRandom : public ClientBase {
 public:
  using ClientBase::ClientBase;
  sim::Task<void> Run() override {
    Write(160, {wire::Frame::kWsUpgrade, -1, 0, false});
    const sim::Time deadline = DrawCloseDeadline();
    const uint32_t how = ctx_.executor.Choose(sim::ChoiceKind::kPick, 3);
    const ClientCloseKind kind = how == 0   ? ClientCloseKind::kCloseFrame
                                 : how == 1 ? ClientCloseKind::kFin
                                            : ClientCloseKind::kRst;
    co_await ReadUntil(deadline, &IsCloseFrame);
    co_await Close(kind, 1000);
  }
};

std::unique_ptr<Client> Http(ClientContext& c, int chunks,
                             ClientCloseKind kind) {
  return std::make_unique<HttpClient>(c, chunks, kind);
}

const ClientInfo kClients[] = {
    {"http-full", "reads the whole response, then closes", Protocol::kHttp,
     [](ClientContext& c) { return Http(c, -1, ClientCloseKind::kFin); }},
    {"http-fin-after-1", "closes (FIN) after the first body chunk",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 1, ClientCloseKind::kFin); }},
    {"http-fin-after-3", "closes (FIN) after 3 body chunks", Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 3, ClientCloseKind::kFin); }},
    {"http-fin-after-5",
     "closes (FIN) after 5 body chunks (all of cleanup-background's content, "
     "as a client that "
     "knows the length)",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 5, ClientCloseKind::kFin); }},
    {"http-rst-after-1", "resets (RST) after the first body chunk",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 1, ClientCloseKind::kRst); }},
    {"http-fin-before-response",
     "sends the request, then closes (FIN) before any response",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 0, ClientCloseKind::kFin); }},
    {"http-rst-before-response",
     "sends the request, then resets (RST) before any response",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 0, ClientCloseKind::kRst); }},
    {"http-fin-mid-request", "closes (FIN) before the request body ends",
     Protocol::kHttp,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<HttpClient>(c, -1, ClientCloseKind::kFin, false);
     }},
    {"http-fin-after-request",
     "sends a complete request, reads the head and first chunk, then closes "
     "(FIN)",
     Protocol::kHttp,
     [](ClientContext& c) { return Http(c, 1, ClientCloseKind::kFin); }},
    {"http-close-at-random",
     "closes at a time drawn from the tape (0-315 ms), FIN or RST drawn from "
     "the tape",
     Protocol::kHttp,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<HttpCloseAtRandom>(c);
     }},
    {"http-slow-reader",
     "reads one segment every 50 ms (backpressure), to the end",
     Protocol::kHttp,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<HttpClient>(c, -1, ClientCloseKind::kFin, true,
                                           sim::Millis(50));
     }},
    {"http-slow-then-rst",
     "reads one segment every 50 ms, resets (RST) after 3 chunks",
     Protocol::kHttp,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<HttpClient>(c, 3, ClientCloseKind::kRst, true,
                                           sim::Millis(50));
     }},
    {"ws-close-1000",
     "reads a message, sends a close frame 1000, waits for the reply, closes "
     "TCP",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 1, ClientCloseKind::kCloseFrame,
                                         1000);
     }},
    {"ws-close-1001", "as ws-close-1000 with code 1001 (going away)",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 1, ClientCloseKind::kCloseFrame,
                                         1001);
     }},
    {"ws-fin", "reads a message, then closes TCP (FIN) without a close frame",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 1, ClientCloseKind::kFin);
     }},
    {"ws-rst", "reads a message, then resets (RST)", Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 1, ClientCloseKind::kRst);
     }},
    {"ws-rst-before-accept",
     "sends the upgrade request, then resets (RST) before the accept",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 0, ClientCloseKind::kRst);
     }},
    {"ws-stall-then-rst",
     "reads one message, stops reading for 100 ms (backpressure), then resets "
     "(RST)",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, 1, ClientCloseKind::kRst, 1000,
                                         sim::Millis(100));
     }},
    {"ws-normal",
     "reads until the server closes, answers its close frame after 100 ms",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsClient>(c, -1, ClientCloseKind::kFin);
     }},
    {"ws-close-at-random",
     "closes at a time drawn from the tape, by close frame, FIN or RST drawn "
     "from the tape",
     Protocol::kWebSocket,
     [](ClientContext& c) -> std::unique_ptr<Client> {
       return std::make_unique<WsCloseAtRandom>(c);
     }},
};

}  // namespace

absl::Span<const ClientInfo> Clients() { return kClients; }

const ClientInfo* FindClient(absl::string_view name) {
  return FindByName(Clients(), name);
}

}  // namespace models
