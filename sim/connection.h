// A simulated TCP connection between a client and a server endpoint, faithful
// to what a server can observe: in-order segments with latency, FIN versus
// RST, half-close, a peer close noticed after a delay drawn from the tape,
// write-after-close errors as a kernel reports them, and a bounded send buffer
// with pause/resume writing (backpressure).
//
// The kernel knows nothing of HTTP: a segment carries a byte count and a
// 64-bit tag whose meaning is the model's.
//
//   sim::Connection conn(executor, {});
//   conn.client().Write(120, kRequestHead);   // arrives latency later
//   sim::Segment s = co_await conn.server().Read();
//   conn.client().Close();  // FIN; later data is answered by RST
//   sim::WriteStatus w = conn.server().Write(10, kBody);  // kOk; RST comes
//   back
//
// Close semantics (Linux, checked against this machine's kernel):
// ShutdownWrite() sends FIN and keeps reading; Close() sends FIN and stops
// reading, so data that still arrives is answered with RST, and a Close()
// with received data unread sends RST instead of FIN; Abort() sends RST at
// once (SO_LINGER {1, 0}). A FIN or RST reaches the peer's kernel after the
// latency, and from then on the peer's writes see it: after an RST the first
// write fails with kReset (ECONNRESET), later ones with kBrokenPipe (EPIPE);
// after a FIN then an RST (CLOSE_WAIT) every write fails with EPIPE. The
// peer's reader notices it only after a further notice delay drawn (kDelay)
// from ConnectionOptions::notice_delays: the window in which a server has not
// yet seen the close. Data that arrived before an RST stays readable; then
// reads return kRst (kFin if a FIN came first: EOF is sticky); once our own
// side closed (Close, Abort), reads return kFin.
//
// Lifetime: must outlive every task that reads it; destroyed after the
// executor. Thread-safety: one executor's thread.
#ifndef HANGUP_SIM_CONNECTION_H_
#define HANGUP_SIM_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/executor.h"
#include "sim/sync.h"
#include "sim/task.h"
#include "sim/time.h"

namespace sim {

struct Segment {
  enum class Kind : uint8_t { kData, kFin, kRst };
  Kind kind = Kind::kData;
  uint32_t bytes = 0;
  uint64_t tag = 0;
};

enum class WriteStatus : uint8_t {
  kOk,          // accepted into the send buffer
  kClosed,      // we closed the socket (EBADF)
  kBrokenPipe,  // EPIPE: we shut down writing, or the peer reset earlier
  kReset,       // ECONNRESET: the first write after the peer's RST arrived
};
absl::string_view WriteStatusName(WriteStatus status);

struct ConnectionOptions {
  // One-way delay of every segment.
  Duration latency = Micros(50);
  // Extra delays before a FIN or RST is noticed by the peer; one is drawn
  // from the tape per close (index 0, the first, is the simplest).
  std::vector<Duration> notice_delays = {Duration(), Millis(1), Millis(5),
                                         Millis(20)};
  // Send-buffer watermarks of each endpoint, in bytes unread by the peer
  // (asyncio's defaults: pause at 64 KiB, resume at 16 KiB).
  uint32_t high_water_bytes = 64 * 1024;
  uint32_t low_water_bytes = 16 * 1024;
};

// Notified, on the writing side, of flow-control changes and of the peer
// consuming what was written (the ACK). Callbacks run outside any task.
class FlowListener {
 public:
  virtual ~FlowListener() = default;
  virtual void OnPauseWriting() = 0;
  virtual void OnResumeWriting() = 0;
  // The peer's reader consumed a data segment written with `tag`.
  virtual void OnPeerConsumed(uint64_t tag) { (void)tag; }
};

class Connection;

class Endpoint {
 public:
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  WriteStatus Write(uint32_t bytes, uint64_t tag);
  void ShutdownWrite();
  void Close();
  void Abort();

  // The next segment from the peer, in order; kRst once reset (always).
  Task<Segment> Read();

  bool write_paused() const { return paused_; }
  uint64_t unread_by_peer() const { return unread_by_peer_; }
  bool closed() const { return closed_; }          // Close() or Abort()
  bool write_shut() const { return write_shut_; }  // no more writes
  bool reset() const { return reset_received_; }   // the peer's RST arrived
  bool fin_received() const { return fin_received_; }
  // Sets the writer-side listener (nullptr to clear). Not owned.
  void set_flow_listener(FlowListener* listener) { listener_ = listener; }

 private:
  friend class Connection;
  struct InFlight {
    Segment segment;
    Duration notice_delay;  // FIN and RST: until the reader notices
  };

  explicit Endpoint(Connection* connection) : connection_(connection) {}
  Endpoint& peer();
  void Send(const Segment& segment, Duration notice_delay);
  // Our side closes (Close, Abort): no more reads or writes, unread data is
  // dropped and our reader wakes to EOF. Returns whether data was dropped.
  bool CloseLocally();
  // Sends an RST unless one was sent or the peer's arrived.
  void SendRstOnce();
  static void Deliver(void* self);  // timer callbacks, on the receiving side
  static void NoticeFin(void* self);
  static void NoticeRst(void* self);
  void Arrive(const InFlight& in);
  void Consumed(const Segment& segment);
  static void ResumeTimer(void* self);

  Connection* connection_;
  FlowListener* listener_ = nullptr;
  // Segments on their way to this endpoint, in arrival order.
  std::deque<InFlight> in_flight_;
  Queue<Segment> inbound_;
  uint64_t unread_by_peer_ = 0;
  bool paused_ = false;
  bool resume_pending_ = false;
  bool closed_ = false;
  bool write_shut_ = false;
  bool fin_received_ = false;
  bool reset_received_ = false;
  bool rst_noticed_ = false;
  bool fin_noticed_ = false;
  bool reset_reported_ = false;
  bool rst_sent_ = false;
};

class Connection {
 public:
  Connection(Executor& executor, const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Endpoint& client() { return client_; }
  Endpoint& server() { return server_; }

 private:
  friend class Endpoint;
  Duration DrawNoticeDelay();

  Executor& executor_;
  ConnectionOptions options_;
  Endpoint client_;
  Endpoint server_;
};

}  // namespace sim

#endif  // HANGUP_SIM_CONNECTION_H_
