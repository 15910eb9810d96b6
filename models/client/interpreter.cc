// The client program interpreter: each step drives the client end of the
// connection; what the client got goes into the outcome's ClientView.
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "models/asgi/events.h"
#include "models/asgi/wire.h"
#include "models/client/program.h"
#include "sim/timeout.h"

namespace models {
namespace {

class ProgramClient : public Client {
 public:
  ProgramClient(const ClientProgram& program, ClientContext& ctx)
      : program_(program), ctx_(ctx) {}

  sim::Task<void> Run() override {
    vars_.assign(static_cast<size_t>(program_.vars), 0);
    (void)co_await RunBlock(program_.body);
  }

 private:
  sim::Task<bool> RunBlock(const ClientBlock& block);
  using StopTest = bool (*)(const wire::Unit&);
  sim::Duration ReadDuration(const ClientStep& s) const;
  static StopTest ReadStopTest(const ClientStep& s);
  sim::Task<void> ReadBodyChunks(const ClientStep& s);
  sim::Task<void> ReadMessages(const ClientStep& s);
  bool CloseStep(const ClientStep& s);
  void DrawStep(const ClientStep& s);
  bool Holds(const ClientStep& s) const;

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

  void CloseNow(ClientCloseKind kind, int32_t code = 1000,
                absl::string_view reason = {}) {
    // No close frame before the handshake completed: a client that gives up
    // then just closes the connection.
    if (kind == ClientCloseKind::kCloseFrame &&
        !ctx_.outcome.client.ws_accepted) {
      kind = ClientCloseKind::kFin;
    }
    if (ctx_.outcome.client_closed == sim::Time::Infinite()) {
      ctx_.outcome.client_closed = ctx_.executor.Now();
      ctx_.outcome.client_close_kind = kind;
      if (kind == ClientCloseKind::kCloseFrame) {
        ctx_.outcome.client_close_code = code;
        ctx_.outcome.client_close_reason = std::string(reason);
      }
    }
    ctx_.executor.Record(
        kEvClientClose, static_cast<int>(kind), code, [kind, code, reason] {
          switch (kind) {
            case ClientCloseKind::kFin:
              return std::string("close (FIN)");
            case ClientCloseKind::kRst:
              return std::string("abort (RST)");
            case ClientCloseKind::kCloseFrame:
              return reason.empty() ? absl::StrCat("close frame ", code)
                                    : absl::StrCat("close frame ", code, " '",
                                                   reason, "'");
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
  sim::Task<void> ReadUntil(sim::Time deadline, StopTest stop) {
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

  static bool IsCloseFrame(const wire::Unit& u) {
    return u.frame == wire::Frame::kWsClose;
  }
  static bool IsFinalBody(const wire::Unit& u) {
    return u.frame == wire::Frame::kRespBody && u.last;
  }
  static bool Never(const wire::Unit&) { return false; }

  const ClientProgram& program_;
  ClientContext& ctx_;
  absl::InlinedVector<int64_t, 4> vars_;
  bool server_closed_ = false;
  int32_t server_close_code_ = kNoCode;
};

sim::Task<bool> ProgramClient::RunBlock(const ClientBlock& block) {
  for (const ClientStep& s : block) {
    switch (s.op) {
      case ClientOp::kRequest:
        if (s.complete) {
          Write(s.head_bytes, {wire::Frame::kReqHead, -1, 0, true});
        } else {
          Write(s.head_bytes, {wire::Frame::kReqHead, -1, 0, false});
          Write(s.body_bytes, {wire::Frame::kReqBody, -1, 0, false});
        }
        break;
      case ClientOp::kUpgrade:
        Write(s.head_bytes, {wire::Frame::kWsUpgrade, -1, 0, false});
        break;
      case ClientOp::kRead:
        switch (s.mode) {
          case ReadMode::kBodyChunks:
            co_await ReadBodyChunks(s);
            break;
          case ReadMode::kMessages:
            co_await ReadMessages(s);
            break;
          case ReadMode::kUntil:
            co_await ReadUntil(ctx_.executor.Now() + ReadDuration(s),
                               ReadStopTest(s));
            break;
        }
        break;
      case ClientOp::kSleep: {
        const sim::Duration d =
            s.var >= 0 ? sim::Nanos(vars_[static_cast<size_t>(s.var)])
                       : s.duration;
        if (!d.IsZero()) co_await sim::Sleep(d);
        break;
      }
      case ClientOp::kHalfClose:
        ctx_.endpoint.ShutdownWrite();
        break;
      case ClientOp::kCloseTcp:
        ctx_.endpoint.Close();
        break;
      case ClientOp::kClose:
        // After a close frame, wait for the server's reply.
        if (CloseStep(s) && s.await_reply) co_await AwaitCloseReplyThenClose();
        break;
      case ClientOp::kDraw:
        DrawStep(s);
        break;
      case ClientOp::kIf:
        if (!co_await RunBlock(Holds(s) ? s.body : s.alt)) co_return false;
        break;
      case ClientOp::kReturn:
        co_return false;
    }
  }
  co_return true;
}

bool ProgramClient::Holds(const ClientStep& s) const {
  bool holds = false;
  switch (s.cond) {
    case ClientCond::kServerClosed:
      holds = server_closed_;
      break;
    case ClientCond::kAccepted:
      holds = ctx_.outcome.client.ws_accepted;
      break;
    case ClientCond::kGotFinalBody:
      holds = ctx_.outcome.client.got_final_body;
      break;
  }
  return holds != s.negate;
}

sim::Duration ProgramClient::ReadDuration(const ClientStep& s) const {
  return s.var >= 0 ? sim::Nanos(vars_[static_cast<size_t>(s.var)])
                    : s.duration;
}

ProgramClient::StopTest ProgramClient::ReadStopTest(const ClientStep& s) {
  switch (s.stop) {
    case ReadStop::kFinalBody:
      return &IsFinalBody;
    case ReadStop::kCloseFrame:
      return &IsCloseFrame;
    case ReadStop::kNothing:
      break;
  }
  return &Never;
}

// Until the final body, the end of the stream, or `count` body chunks; a
// slow reader pauses `gap` after each read (its unread bytes fill the
// server's send buffer).
sim::Task<void> ProgramClient::ReadBodyChunks(const ClientStep& s) {
  wire::Unit u;
  while (co_await ReadOne(&u)) {
    if (IsFinalBody(u)) break;
    if (s.count > 0 && ctx_.outcome.client.body_chunks >= s.count) break;
    if (!s.gap.IsZero()) co_await sim::Sleep(s.gap);
  }
}

// `count` messages (-1: until the server closes or rejects); once accepted,
// at most `idle_timeout` for each, so an app that sends nothing still gets
// its close.
sim::Task<void> ProgramClient::ReadMessages(const ClientStep& s) {
  wire::Unit u;
  for (;;) {
    bool more = false;
    if (s.count >= 0 && ctx_.outcome.client.ws_accepted) {
      try {
        more = co_await sim::WaitFor(ReadOne(&u), s.idle_timeout);
      } catch (const sim::TimeoutError&) {
        break;
      }
    } else {
      more = co_await ReadOne(&u);
    }
    if (!more || u.frame == wire::Frame::kWsReject) break;
    if (u.frame == wire::Frame::kWsClose) {
      server_closed_ = true;
      server_close_code_ = u.code < 0 ? 1000 : u.code;
      break;
    }
    if (s.count >= 0 && ctx_.outcome.client.ws_messages >= s.count &&
        ctx_.outcome.client.ws_accepted) {
      break;
    }
  }
}

// Closes; returns whether a close frame was sent.
bool ProgramClient::CloseStep(const ClientStep& s) {
  const ClientCloseKind kind =
      s.var >= 0
          ? static_cast<ClientCloseKind>(vars_[static_cast<size_t>(s.var)])
          : s.kind;
  const int32_t code = s.echo_code ? server_close_code_ : s.code;
  const bool frame =
      kind == ClientCloseKind::kCloseFrame && ctx_.outcome.client.ws_accepted;
  CloseNow(kind, code, s.reason);
  return frame;
}

void ProgramClient::DrawStep(const ClientStep& s) {
  int64_t& out = vars_[static_cast<size_t>(s.var)];
  // One option is no choice: it takes no draw from the tape.
  const bool delays = !s.draw.delays.empty();
  const auto n = static_cast<uint32_t>(delays ? s.draw.delays.size()
                                              : s.draw.closes.size());
  const uint32_t pick =
      n < 2 ? 0
            : ctx_.executor.Choose(
                  delays ? sim::ChoiceKind::kDelay : sim::ChoiceKind::kPick, n);
  out = delays ? s.draw.delays[pick].nanos()
               : static_cast<int64_t>(s.draw.closes[pick]);
}

}  // namespace

std::unique_ptr<Client> MakeProgramClient(const ClientProgram& program,
                                          ClientContext& context) {
  return std::make_unique<ProgramClient>(program, context);
}

}  // namespace models
