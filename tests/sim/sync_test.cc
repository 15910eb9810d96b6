#include "sim/sync.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/tape_source.h"

namespace sim {
namespace {

class SyncTest : public ::testing::Test {
 protected:
  std::vector<uint8_t> empty_;
  TapeSource zeros_{empty_};
  Executor ex_{zeros_};
};

Task<void> Consumer(Queue<int>* q, std::vector<int>* got, int n) {
  for (int i = 0; i < n; ++i) got->push_back(co_await q->Get());
}

Task<void> Producer(Queue<int>* q, int n) {
  for (int i = 0; i < n; ++i) {
    q->Put(i);
    co_await Yield();
  }
}

TEST_F(SyncTest, QueueDeliversInOrder) {
  Queue<int> q;
  std::vector<int> got;
  ex_.Spawn(Consumer(&q, &got, 5), "consumer");
  ex_.Spawn(Producer(&q, 5), "producer");
  EXPECT_EQ(ex_.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
}

Task<void> GetOne(Queue<int>* q, int* got, bool* cancelled) {
  try {
    *got = co_await q->Get();
  } catch (const Cancelled&) {
    *cancelled = true;
  }
}

Task<void> PutThenCancel(Executor* ex, Queue<int>* q, TaskState* getter) {
  q->Put(42);          // handed to the waiting getter...
  ex->Cancel(getter);  // ...which is cancelled before it runs
  co_return;
}

TEST_F(SyncTest, CancelledGetterGivesItsItemBack) {
  Queue<int> q;
  int got = -1;
  bool cancelled = false;
  auto getter = ex_.Spawn(GetOne(&q, &got, &cancelled), "getter");
  ex_.Spawn(PutThenCancel(&ex_, &q, getter.state()), "putter");
  ex_.Run();
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(got, -1);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(*q.TryGet(), 42);
}

Task<void> BoundedProducer(Queue<int>* q, std::string* log) {
  for (int i = 0; i < 3; ++i) {
    co_await q->PutWait(i);
    log->push_back('p');
  }
}

Task<void> SlowConsumer(Queue<int>* q, std::string* log) {
  for (int i = 0; i < 3; ++i) {
    co_await Sleep(Millis(10));
    (void)co_await q->Get();
    log->push_back('c');
  }
}

TEST_F(SyncTest, BoundedQueueBlocksThePutterUntilThereIsRoom) {
  Queue<int> q(1);
  std::string log;
  ex_.Spawn(BoundedProducer(&q, &log), "producer");
  ex_.Spawn(SlowConsumer(&q, &log), "consumer");
  EXPECT_EQ(ex_.Run().verdict, RunVerdict::kCompleted);
  EXPECT_EQ(log, "pcpcpc");
}

Task<void> WaitEvent(Event* e, std::string* log, char tag) {
  co_await e->Wait();
  log->push_back(tag);
}

Task<void> SetLater(Event* e) {
  co_await Sleep(Millis(1));
  e->Set();
}

TEST_F(SyncTest, EventWakesEveryWaiterInOrder) {
  Event e;
  std::string log;
  ex_.Spawn(WaitEvent(&e, &log, 'a'), "a");
  ex_.Spawn(WaitEvent(&e, &log, 'b'), "b");
  ex_.Spawn(SetLater(&e), "setter");
  ex_.Run();
  EXPECT_EQ(log, "ab");
  EXPECT_TRUE(e.is_set());
}

Task<void> AwaitFuture(Future<int>* f, int* got, std::string* error) {
  try {
    *got = co_await f->Wait();
  } catch (const std::runtime_error& e) {
    *error = e.what();
  }
}

Task<void> Resolve(Future<int>* ok, Future<int>* bad) {
  co_await Yield();
  ok->SetResult(9);
  bad->SetException(std::make_exception_ptr(std::runtime_error("nope")));
}

TEST_F(SyncTest, FutureDeliversResultOrException) {
  Future<int> ok, bad;
  int got = 0, unused = 0;
  std::string error, no_error;
  ex_.Spawn(AwaitFuture(&ok, &got, &no_error), "ok");
  ex_.Spawn(AwaitFuture(&bad, &unused, &error), "bad");
  ex_.Spawn(Resolve(&ok, &bad), "resolver");
  ex_.Run();
  EXPECT_EQ(got, 9);
  EXPECT_EQ(error, "nope");
  EXPECT_TRUE(no_error.empty());
}

TEST_F(SyncTest, DestroyingTheExecutorUnlinksBlockedWaiters) {
  auto e = std::make_unique<Event>();
  {
    std::string log;
    std::vector<uint8_t> empty;
    TapeSource zeros(empty);
    Executor ex(zeros);
    ex.Spawn(WaitEvent(e.get(), &log, 'x'), "x");
    EXPECT_EQ(ex.Run().verdict, RunVerdict::kQuiescent);
  }
  e->Set();  // must not touch the destroyed frame
  SUCCEED();
}

}  // namespace
}  // namespace sim
