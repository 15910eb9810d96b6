// Tests of sim::Connection: FIN ordering and notice delays, half-close, the
// RST a closed socket answers data with, Abort(), the late-notice window and
// backpressure. Times are exact: the default latency is 50 us and the notice
// delays are {0, 1 ms, 5 ms, 20 ms}, indexed by tape bytes.
#include "sim/connection.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/executor.h"
#include "sim/tape_source.h"

namespace sim {
namespace {

using Log = std::vector<std::string>;

// A TapeSource that answers only the notice-delay draws (kDelay); every
// scheduling draw takes option 0 (keep running, or the oldest ready task)
// without consuming tape. A test's tape is then exactly the indices into
// ConnectionOptions::notice_delays its closes pick, in the order drawn.
class NoticeDelayTape : public ChoiceSource {
 public:
  explicit NoticeDelayTape(std::vector<uint8_t> tape)
      : tape_(std::move(tape)), source_(tape_) {}
  uint32_t Choose(ChoiceKind kind, uint32_t n) override {
    if (kind != ChoiceKind::kDelay) return 0;
    ++delay_draws_;
    return source_.Choose(kind, n);
  }
  int delay_draws() const { return delay_draws_; }

 private:
  std::vector<uint8_t> tape_;
  TapeSource source_;
  int delay_draws_ = 0;
};

// One run: the executor is destroyed before the connection, because its
// destructor destroys blocked readers, which unlink from the connection.
struct World {
  explicit World(std::vector<uint8_t> tape,
                 const ConnectionOptions& options = {})
      : source(std::move(tape)),
        executor(std::make_unique<Executor>(source)),
        connection(*executor, options) {}
  ~World() { executor.reset(); }

  Executor& ex() { return *executor; }
  Endpoint& client() { return connection.client(); }
  Endpoint& server() { return connection.server(); }
  RunResult Run() { return executor->Run(); }

  NoticeDelayTape source;
  std::unique_ptr<Executor> executor;
  Connection connection;
};

const char* KindName(Segment::Kind kind) {
  switch (kind) {
    case Segment::Kind::kData:
      return "data";
    case Segment::Kind::kFin:
      return "fin";
    case Segment::Kind::kRst:
      return "rst";
  }
  return "?";
}

// "0.000050s data 7", "0.005050s fin".
std::string Describe(Time t, const Segment& s) {
  if (s.kind != Segment::Kind::kData) {
    return absl::StrCat(t.ToString(), " ", KindName(s.kind));
  }
  return absl::StrCat(t.ToString(), " data ", s.tag);
}

// "0.000060s write ECONNRESET".
std::string DescribeWrite(Time t, WriteStatus status) {
  return absl::StrCat(t.ToString(), " write ", WriteStatusName(status));
}

Time At(Duration d) { return Time() + d; }

Task<void> SleepUntil(Executor* ex, Time t) {
  if (t > ex->Now()) co_await Sleep(t - ex->Now());
}

// Reads `reads` segments, logging each at the time it was read.
Task<void> ReadN(Executor* ex, Endpoint* ep, int reads, Log* log) {
  for (int i = 0; i < reads; ++i) {
    const Segment s = co_await ep->Read();
    log->push_back(Describe(ex->Now(), s));
  }
}

// At each time in `times`, reads one segment and logs it.
Task<void> ReadAt(Executor* ex, Endpoint* ep, std::vector<Time> times,
                  Log* log) {
  for (Time t : times) {
    co_await SleepUntil(ex, t);
    const Segment s = co_await ep->Read();
    log->push_back(Describe(ex->Now(), s));
  }
}

// At each time in `times`, writes 10 bytes (tag = index + 1) and logs the
// status.
Task<void> WriteAt(Executor* ex, Endpoint* ep, std::vector<Time> times,
                   Log* log) {
  for (size_t i = 0; i < times.size(); ++i) {
    co_await SleepUntil(ex, times[i]);
    log->push_back(DescribeWrite(ex->Now(), ep->Write(10, i + 1)));
  }
}

Task<void> AbortAt(Executor* ex, Endpoint* ep, Time t) {
  co_await SleepUntil(ex, t);
  ep->Abort();
}

Task<void> CloseAt(Executor* ex, Endpoint* ep, Time t) {
  co_await SleepUntil(ex, t);
  ep->Close();
}

// Logs what the endpoint's kernel knows at `t`: "0.000060s reset=1 fin=0".
Task<void> ProbeAt(Executor* ex, Endpoint* ep, Time t, Log* log) {
  co_await SleepUntil(ex, t);
  log->push_back(absl::StrCat(ex->Now().ToString(), " reset=", ep->reset(),
                              " fin=", ep->fin_received()));
}

// Reads the peer's FIN, then answers with one segment (tag 7) and closes.
Task<void> AnswerAfterEof(Executor* ex, Endpoint* ep, Log* log) {
  const Segment s = co_await ep->Read();
  log->push_back(Describe(ex->Now(), s));
  log->push_back(DescribeWrite(ex->Now(), ep->Write(300, 7)));
  ep->Close();
}

// Records the writer-side flow callbacks with their times.
class FlowLog : public FlowListener {
 public:
  explicit FlowLog(Executor* ex) : ex_(ex) {}
  void OnPauseWriting() override { Add("pause"); }
  void OnResumeWriting() override { Add("resume"); }
  void OnPeerConsumed(uint64_t tag) override {
    Add(absl::StrCat("consumed ", tag));
  }
  const Log& log() const { return log_; }

 private:
  void Add(const std::string& what) {
    log_.push_back(absl::StrCat(ex_->Now().ToString(), " ", what));
  }
  Executor* ex_;
  Log log_;
};

// --- FIN ---

TEST(Connection, FinIsReadAfterEarlierDataAndAfterTheNoticeDelay) {
  World w({2});  // the FIN is noticed 5 ms after it arrives
  Log reads, probes;
  w.client().Write(100, 1);
  w.client().Write(200, 2);
  w.client().ShutdownWrite();
  w.ex().Spawn(ReadN(&w.ex(), &w.server(), 4, &reads), "server-reader");
  w.ex().Spawn(ProbeAt(&w.ex(), &w.server(), At(Micros(60)), &probes), "probe");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(reads, (Log{"0.000050s data 1", "0.000050s data 2", "0.005050s fin",
                        "0.005050s fin"}));
  // The kernel has the FIN on arrival; only the reader waits for the notice.
  EXPECT_EQ(probes, (Log{"0.000060s reset=0 fin=1"}));
  EXPECT_EQ(w.source.delay_draws(), 1);
}

TEST(Connection, EmptyTapeMeansTheFinIsNoticedOnArrival) {
  const std::vector<uint8_t> empty;
  TapeSource tape(empty);  // the plain source: every draw past the end is 0
  auto ex = std::make_unique<Executor>(tape);
  Connection conn(*ex, {});
  Log reads;
  conn.client().Write(100, 1);
  conn.client().Close();
  ex->Spawn(ReadN(ex.get(), &conn.server(), 2, &reads), "server-reader");
  EXPECT_EQ(ex->Run().verdict, RunVerdict::kCompleted);
  ex.reset();  // before the connection
  EXPECT_EQ(reads, (Log{"0.000050s data 1", "0.000050s fin"}));
  // The one draw, the FIN's notice delay, fell past the end of the tape.
  EXPECT_EQ(tape.overruns(), 1);
}

TEST(Connection, TapeByteIndexesTheNoticeDelaysModuloTheirCount) {
  // Index = byte % 4 into {0, 1 ms, 5 ms, 20 ms}.
  const std::vector<std::pair<uint8_t, const char*>> cases = {
      {0, "0.000050s fin"},
      {1, "0.001050s fin"},
      {2, "0.005050s fin"},
      {3, "0.020050s fin"},
      {6, "0.005050s fin"}};
  for (const auto& [byte, expected] : cases) {
    World w({byte});
    Log reads;
    w.client().Close();
    w.ex().Spawn(ReadN(&w.ex(), &w.server(), 1, &reads), "server-reader");
    w.Run();
    EXPECT_EQ(reads, Log{expected}) << "tape byte " << int{byte};
  }
}

// --- Half-close ---

TEST(Connection, ShutdownWriteKeepsReadingWhileThePeerSeesEof) {
  World w({});
  Log server_log, client_reads;
  w.client().ShutdownWrite();
  EXPECT_EQ(w.client().Write(10, 9), WriteStatus::kBrokenPipe);
  EXPECT_TRUE(w.client().write_shut());
  EXPECT_FALSE(w.client().closed());
  w.ex().Spawn(AnswerAfterEof(&w.ex(), &w.server(), &server_log), "server");
  w.ex().Spawn(ReadN(&w.ex(), &w.client(), 3, &client_reads), "client-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(server_log, (Log{"0.000050s fin", "0.000050s write ok"}));
  // The half-closed client still gets the answer, then the server's FIN.
  EXPECT_EQ(client_reads,
            (Log{"0.000100s data 7", "0.000100s fin", "0.000100s fin"}));
  EXPECT_FALSE(w.client().reset());
}

// --- Close() answered with RST ---

// Linux tcp_reset in CLOSE_WAIT: the writer had the FIN, so the RST makes
// every later write fail with EPIPE, and the reader keeps seeing EOF.
TEST(Connection,
     ClosedSideAnswersDataWithRstAndTheWriterInCloseWaitGetsBrokenPipe) {
  // The client's FIN is noticed at once; the RST its kernel sends back when
  // the server's data arrives (100 us) is noticed 1 ms after it arrives.
  World w({0, 1});
  Log writes, reads;
  w.client().Close();
  w.ex().Spawn(WriteAt(&w.ex(), &w.server(),
                       {At(Micros(60)), At(Micros(140)), At(Micros(160)),
                        At(Micros(170)), At(Micros(180))},
                       &writes),
               "server-writer");
  w.ex().Spawn(ReadAt(&w.ex(), &w.server(),
                      {At(Micros(60)), At(Micros(1140)), At(Micros(1160)),
                       At(Micros(1170))},
                      &reads),
               "server-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  // Writes succeed until the RST reaches the server at 150 us.
  EXPECT_EQ(writes, (Log{"0.000060s write ok", "0.000140s write ok",
                         "0.000160s write EPIPE", "0.000170s write EPIPE",
                         "0.000180s write EPIPE"}));
  // EOF is sticky: the RST after the FIN does not turn reads into errors.
  EXPECT_EQ(reads, (Log{"0.000060s fin", "0.001140s fin", "0.001160s fin",
                        "0.001170s fin"}));
  EXPECT_EQ(w.source.delay_draws(), 2);  // the FIN, then the one RST
  EXPECT_FALSE(w.client().reset());
}

// Linux tcp_close: closing with received data unread sends RST, not FIN.
TEST(Connection, CloseWithUnreadDataSendsRstInsteadOfFin) {
  World w({0});
  Log reads;
  w.server().Write(100, 1);  // arrives at the client at 50 us, never read
  w.ex().Spawn(ReadN(&w.ex(), &w.server(), 1, &reads), "server-reader");
  w.ex().Spawn(CloseAt(&w.ex(), &w.client(), At(Micros(60))), "client");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_TRUE(w.server().reset());
  EXPECT_FALSE(w.server().fin_received());
  EXPECT_EQ(reads, (Log{"0.000110s rst"}));
}

// --- Abort() ---

// Linux keeps data that arrived before an RST readable; then ECONNRESET.
TEST(Connection, AbortSendsRstAfterWhichThePeerReadsItsDataThenTheReset) {
  World w({1});  // the RST arrives at 150 us and is noticed at 1.15 ms
  Log reads, writes, client_reads;
  w.client().Write(100, 1);
  w.client().Write(100, 2);
  w.ex().Spawn(AbortAt(&w.ex(), &w.client(), At(Micros(100))), "client");
  // Reads segment 1 at 60 us; segment 2, unread when the RST arrives at
  // 150 us, is still read at 1 ms; the reset comes after it.
  w.ex().Spawn(ReadAt(&w.ex(), &w.server(),
                      {At(Micros(60)), At(Millis(1)), At(Millis(2))}, &reads),
               "server-reader");
  w.ex().Spawn(
      WriteAt(&w.ex(), &w.server(), {At(Millis(3)), At(Millis(4))}, &writes),
      "server-writer");
  w.ex().Spawn(ReadAt(&w.ex(), &w.client(), {At(Millis(1))}, &client_reads),
               "client-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(reads,
            (Log{"0.000060s data 1", "0.001000s data 2", "0.002000s rst"}));
  EXPECT_EQ(writes,
            (Log{"0.003000s write ECONNRESET", "0.004000s write EPIPE"}));
  // The aborting side reads end of stream and can no longer write.
  EXPECT_EQ(client_reads, (Log{"0.001000s fin"}));
  EXPECT_EQ(w.client().Write(10, 3), WriteStatus::kClosed);
  EXPECT_TRUE(w.server().reset());
}

// --- The late-notice window ---

TEST(Connection, KernelFailsWritesAfterRstBeforeTheReaderNoticesIt_Delay20ms) {
  World w({3});  // the RST is noticed 20 ms after it arrives
  Log writes, reads, probes;
  w.client().Abort();  // RST reaches the server's kernel at 50 us
  w.ex().Spawn(
      WriteAt(&w.ex(), &w.server(),
              {At(Micros(40)), At(Micros(60)), At(Micros(80)), At(Millis(20))},
              &writes),
      "server-writer");
  w.ex().Spawn(ReadN(&w.ex(), &w.server(), 1, &reads), "server-reader");
  w.ex().Spawn(ProbeAt(&w.ex(), &w.server(), At(Micros(60)), &probes), "probe");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(writes, (Log{"0.000040s write ok", "0.000060s write ECONNRESET",
                         "0.000080s write EPIPE", "0.020000s write EPIPE"}));
  EXPECT_EQ(probes, (Log{"0.000060s reset=1 fin=0"}));
  EXPECT_EQ(reads, (Log{"0.020050s rst"}));
}

TEST(Connection, RstAfterFinKeepsTheReaderAtEof_Delays20msAnd20ms) {
  // Client FIN (noticed 20 ms after arrival); the server writes at 60 us, the
  // client's kernel answers with RST at 110 us (also noticed after 20 ms).
  World w({3, 3});
  Log writes, reads;
  w.client().Close();
  w.ex().Spawn(
      WriteAt(&w.ex(), &w.server(), {At(Micros(60)), At(Micros(200))}, &writes),
      "server-writer");
  w.ex().Spawn(ReadN(&w.ex(), &w.server(), 1, &reads), "server-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(writes, (Log{"0.000060s write ok", "0.000200s write EPIPE"}));
  // The reader's first sight of the close is the FIN's notice at 20.05 ms,
  // and it reads EOF, not the reset.
  EXPECT_EQ(reads, (Log{"0.020050s fin"}));
}

// --- Backpressure ---

// Writes four 300-byte segments (tags 1-4) at t = 0, logging write_paused().
Task<void> FillPastHighWater(Endpoint* ep, Log* log) {
  for (uint64_t tag = 1; tag <= 4; ++tag) {
    (void)ep->Write(300, tag);
    log->push_back(absl::StrCat("unread ", ep->unread_by_peer(),
                                " paused=", ep->write_paused()));
  }
  co_return;
}

// Reads one segment, then one every millisecond, `reads` in all.
Task<void> SlowReader(Endpoint* ep, int reads) {
  for (int i = 0; i < reads; ++i) {
    if (i > 0) co_await Sleep(Millis(1));
    (void)co_await ep->Read();
  }
}

TEST(Connection,
     PausesPastHighWaterAndResumesOneLatencyAfterDrainingToLowWater) {
  World w({},
          ConnectionOptions{.high_water_bytes = 1000, .low_water_bytes = 400});
  FlowLog flow(&w.ex());
  Log writes;
  w.server().set_flow_listener(&flow);
  w.ex().Spawn(FillPastHighWater(&w.server(), &writes), "server-writer");
  w.ex().Spawn(SlowReader(&w.client(), 4), "client-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(writes, (Log{"unread 300 paused=0", "unread 600 paused=0",
                         "unread 900 paused=0", "unread 1200 paused=1"}));
  // Unread drops to 900, 600, then 300 <= 400 at 2.05 ms: the window update
  // reaches the writer one latency (50 us) later.
  EXPECT_EQ(flow.log(), (Log{"0.000000s pause", "0.000050s consumed 1",
                             "0.001050s consumed 2", "0.002050s consumed 3",
                             "0.002100s resume", "0.003050s consumed 4"}));
  EXPECT_FALSE(w.server().write_paused());
  EXPECT_EQ(w.server().unread_by_peer(), 0u);
}

TEST(Connection, StaysPausedWhileUnreadIsAboveLowWater) {
  World w({},
          ConnectionOptions{.high_water_bytes = 1000, .low_water_bytes = 100});
  FlowLog flow(&w.ex());
  Log writes;
  w.server().set_flow_listener(&flow);
  w.ex().Spawn(FillPastHighWater(&w.server(), &writes), "server-writer");
  w.ex().Spawn(SlowReader(&w.client(), 3), "client-reader");  // 300 left
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(flow.log(), (Log{"0.000000s pause", "0.000050s consumed 1",
                             "0.001050s consumed 2", "0.002050s consumed 3"}));
  EXPECT_TRUE(w.server().write_paused());
}

TEST(Connection, OnPeerConsumedReportsEachDataSegmentsTagInReadOrder) {
  World w({});
  FlowLog flow(&w.ex());
  Log reads;
  w.client().set_flow_listener(&flow);
  w.client().Write(10, 0xA1);
  w.client().Write(20, 0xB2);
  w.client().Write(30, 0xC3);
  w.client().ShutdownWrite();
  w.ex().Spawn(ReadN(&w.ex(), &w.server(), 4, &reads), "server-reader");
  EXPECT_EQ(w.Run().verdict, RunVerdict::kCompleted);
  // The FIN is read too, but only data segments are reported.
  EXPECT_EQ(flow.log(), (Log{"0.000050s consumed 161", "0.000050s consumed 178",
                             "0.000050s consumed 195"}));
  EXPECT_EQ(reads.back(), "0.000050s fin");
}

}  // namespace
}  // namespace sim
