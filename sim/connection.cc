#include "sim/connection.h"

#include <optional>

namespace sim {

absl::string_view WriteStatusName(WriteStatus status) {
  switch (status) {
    case WriteStatus::kOk:
      return "ok";
    case WriteStatus::kClosed:
      return "EBADF";
    case WriteStatus::kBrokenPipe:
      return "EPIPE";
    case WriteStatus::kReset:
      return "ECONNRESET";
  }
  return "?";
}

Connection::Connection(Executor& executor, const ConnectionOptions& options)
    : executor_(executor), options_(options), client_(this), server_(this) {
  SIM_CHECK(!options_.notice_delays.empty()) << "notice_delays is empty";
  SIM_CHECK(options_.low_water_bytes <= options_.high_water_bytes)
      << "low water above high water";
}

Duration Connection::DrawNoticeDelay() {
  const uint32_t n = static_cast<uint32_t>(options_.notice_delays.size());
  return options_.notice_delays[executor_.Choose(ChoiceKind::kDelay, n)];
}

Endpoint& Endpoint::peer() {
  return this == &connection_->client_ ? connection_->server_
                                       : connection_->client_;
}

void Endpoint::Send(const Segment& segment, Duration notice_delay) {
  Endpoint& to = peer();
  Executor& ex = connection_->executor_;
  to.in_flight_.push_back(InFlight{segment, notice_delay});
  // Every segment takes the same latency, so arrivals keep sending order.
  ex.AddTimer(ex.Now() + connection_->options_.latency, &Endpoint::Deliver,
              &to);
}

void Endpoint::Deliver(void* self) {
  auto* to = static_cast<Endpoint*>(self);
  const InFlight in = to->in_flight_.front();
  to->in_flight_.pop_front();
  to->Arrive(in);
}

void Endpoint::Arrive(const InFlight& in) {
  if (reset_received_) return;
  Executor& ex = connection_->executor_;
  switch (in.segment.kind) {
    case Segment::Kind::kData:
      if (closed_) {
        // A closed socket answers data with RST (the kernel, not the app).
        SendRstOnce();
        return;
      }
      inbound_.Put(in.segment);
      return;
    case Segment::Kind::kFin:
      fin_received_ = true;
      if (!closed_) {
        ex.AddTimer(ex.Now() + in.notice_delay, &Endpoint::NoticeFin, this);
      }
      return;
    case Segment::Kind::kRst:
      // Data that arrived before stays readable; after a FIN (CLOSE_WAIT)
      // the reader still sees EOF and writes fail with EPIPE (Linux).
      // fin_received_ is final from here: Arrive ignores what follows.
      reset_received_ = true;
      ex.AddTimer(ex.Now() + in.notice_delay, &Endpoint::NoticeRst, this);
      return;
  }
}

void Endpoint::NoticeFin(void* self) {
  auto* e = static_cast<Endpoint*>(self);
  if (e->closed_ || e->fin_noticed_) return;
  e->fin_noticed_ = true;
  e->inbound_.Put(Segment{Segment::Kind::kFin, 0, 0});
}

void Endpoint::NoticeRst(void* self) {
  auto* e = static_cast<Endpoint*>(self);
  if (e->closed_) return;
  if (e->fin_received_) {
    // The read side had reached EOF: reads go on returning EOF.
    NoticeFin(self);
    return;
  }
  e->rst_noticed_ = true;
  e->inbound_.Put(Segment{Segment::Kind::kRst, 0, 0});
}

Task<Segment> Endpoint::Read() {
  if (inbound_.empty()) {
    // End of stream is sticky: once noticed, reads return it again. Reading
    // a socket we closed ends the stream too (asyncio then calls
    // connection_lost(None)).
    if (fin_noticed_ || closed_) co_return Segment{Segment::Kind::kFin, 0, 0};
    if (rst_noticed_) co_return Segment{Segment::Kind::kRst, 0, 0};
  }
  Segment s = co_await inbound_.Get();
  if (s.kind == Segment::Kind::kData) peer().Consumed(s);
  co_return s;
}

void Endpoint::Consumed(const Segment& segment) {
  // Runs on the writer (this is the peer of the reader that consumed it).
  unread_by_peer_ -= segment.bytes;
  if (listener_) listener_->OnPeerConsumed(segment.tag);
  if (paused_ && !resume_pending_ &&
      unread_by_peer_ <= connection_->options_.low_water_bytes) {
    // The window update travels back: resume after the latency.
    resume_pending_ = true;
    Executor& ex = connection_->executor_;
    ex.AddTimer(ex.Now() + connection_->options_.latency,
                &Endpoint::ResumeTimer, this);
  }
}

void Endpoint::ResumeTimer(void* self) {
  auto* e = static_cast<Endpoint*>(self);
  e->resume_pending_ = false;
  if (!e->paused_ ||
      e->unread_by_peer_ > e->connection_->options_.low_water_bytes) {
    return;
  }
  e->paused_ = false;
  if (e->listener_) e->listener_->OnResumeWriting();
}

WriteStatus Endpoint::Write(uint32_t bytes, uint64_t tag) {
  if (closed_) return WriteStatus::kClosed;
  if (reset_received_) {
    if (!reset_reported_ && !fin_received_) {
      reset_reported_ = true;
      return WriteStatus::kReset;
    }
    return WriteStatus::kBrokenPipe;
  }
  if (write_shut_) return WriteStatus::kBrokenPipe;
  unread_by_peer_ += bytes;
  Send(Segment{Segment::Kind::kData, bytes, tag}, Duration());  // no notice
  if (!paused_ && unread_by_peer_ >= connection_->options_.high_water_bytes) {
    paused_ = true;
    if (listener_) listener_->OnPauseWriting();
  }
  return WriteStatus::kOk;
}

void Endpoint::ShutdownWrite() {
  if (write_shut_ || closed_) return;
  write_shut_ = true;
  if (reset_received_) return;
  Send(Segment{Segment::Kind::kFin, 0, 0}, connection_->DrawNoticeDelay());
}

bool Endpoint::CloseLocally() {
  closed_ = true;
  write_shut_ = true;
  bool unread = false;
  while (std::optional<Segment> s = inbound_.TryGet()) {
    unread |= s->kind == Segment::Kind::kData;
  }
  inbound_.Put(Segment{Segment::Kind::kFin, 0, 0});  // wakes our reader
  return unread;
}

void Endpoint::SendRstOnce() {
  if (reset_received_ || rst_sent_) return;
  rst_sent_ = true;
  Send(Segment{Segment::Kind::kRst, 0, 0}, connection_->DrawNoticeDelay());
}

void Endpoint::Close() {
  if (closed_) return;
  const bool fin_owed = !write_shut_ && !reset_received_;
  if (CloseLocally()) {
    // Closing with received data unread aborts the connection: the kernel
    // sends RST, not FIN (Linux tcp_close; RFC 2525 §2.17).
    SendRstOnce();
  } else if (fin_owed) {
    Send(Segment{Segment::Kind::kFin, 0, 0}, connection_->DrawNoticeDelay());
  }
}

void Endpoint::Abort() {
  if (closed_ && rst_sent_) return;
  CloseLocally();
  SendRstOnce();
}

}  // namespace sim
