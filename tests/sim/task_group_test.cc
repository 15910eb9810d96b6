#include "sim/task_group.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/tape_source.h"

namespace sim {
namespace {

Task<void> Worker(std::string* log, char tag, Duration d) {
  co_await Sleep(d);
  log->push_back(tag);
}

Task<void> Failer(Duration d) {
  co_await Sleep(d);
  throw std::runtime_error("child failed");
}

Task<void> CleanupOnCancel(std::string* log, int* cleanups) {
  try {
    co_await Sleep(Seconds(100));
    log->push_back('!');
  } catch (const Cancelled&) {
    ++*cleanups;
    throw;
  }
}

Task<void> Parent(Executor* ex, std::string* log, std::string* error,
                  int* cleanups) {
  TaskGroup group(*ex);
  group.Spawn(Worker(log, 'a', Millis(1)), "a");
  group.Spawn(Failer(Millis(2)), "failer");
  group.Spawn(CleanupOnCancel(log, cleanups), "long");
  try {
    co_await group.Join();
  } catch (const std::runtime_error& e) {
    *error = e.what();
  }
}

TEST(TaskGroup, FirstFailureCancelsTheRestAndPropagates) {
  std::string log, error;
  int cleanups = 0;
  std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(Parent(&ex, &log, &error, &cleanups), "parent");
  RunResult r = ex.Run();
  EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
  EXPECT_EQ(log, "a");
  EXPECT_EQ(error, "child failed");
  EXPECT_EQ(cleanups, 1);
  EXPECT_EQ(r.end_time, Time() + Millis(2));
}

Task<void> WaitAll(Executor* ex, std::string* log) {
  TaskGroup group(*ex);
  group.Spawn(Worker(log, 'b', Millis(2)), "b");
  group.Spawn(Worker(log, 'a', Millis(1)), "a");
  co_await group.Join();
  log->push_back('.');
}

TEST(TaskGroup, WaitsForAllChildren) {
  std::string log;
  std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(WaitAll(&ex, &log), "parent");
  ex.Run();
  EXPECT_EQ(log, "ab.");
}

Task<void> CancelledParent(Executor* ex, std::string* log, int* cleanups,
                           bool* parent_cancelled) {
  TaskGroup group(*ex);
  group.Spawn(CleanupOnCancel(log, cleanups), "child1");
  group.Spawn(CleanupOnCancel(log, cleanups), "child2");
  try {
    co_await group.Join();
  } catch (const Cancelled&) {
    *parent_cancelled = true;
    throw;
  }
}

Task<void> CancelLater(Executor* ex, TaskState* t) {
  co_await Sleep(Seconds(1));
  ex->Cancel(t);
}

TEST(TaskGroup, CancellingTheParentCancelsAndAwaitsChildren) {
  std::string log;
  int cleanups = 0;
  bool parent_cancelled = false;
  std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  auto parent = ex.Spawn(
      CancelledParent(&ex, &log, &cleanups, &parent_cancelled), "parent");
  ex.Spawn(CancelLater(&ex, parent.state()), "canceller");
  RunResult r = ex.Run();
  EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
  EXPECT_EQ(cleanups, 2);
  EXPECT_TRUE(parent_cancelled);
  EXPECT_EQ(parent.state()->outcome, TaskState::Outcome::kCancelled);
  EXPECT_EQ(r.end_time, Time() + Seconds(1));
}

Task<void> FailsWhenCancelled() {
  try {
    co_await Sleep(Seconds(100));
  } catch (const Cancelled&) {
    throw std::runtime_error("cleanup failed");
  }
}

Task<void> LeavesWithoutJoining(Executor* ex, std::string* log, int* cleanups) {
  TaskGroup group(*ex);
  group.Spawn(CleanupOnCancel(log, cleanups), "cleans-up");
  group.Spawn(Worker(log, 'w', Millis(1)), "worker");
  group.Spawn(FailsWhenCancelled(), "fails");
  co_await Sleep(Micros(1));
  // Returns without Join: the destructor cancels and detaches the children.
}

TEST(TaskGroup, DestroyedUnjoinedCancelsAndDetachesItsChildren) {
  std::string log;
  int cleanups = 0;
  std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  auto parent = ex.Spawn(LeavesWithoutJoining(&ex, &log, &cleanups), "parent");
  RunResult r = ex.Run();
  EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
  EXPECT_EQ(parent.state()->outcome, TaskState::Outcome::kReturned);
  EXPECT_EQ(cleanups, 1);
  EXPECT_EQ(log, "");  // the worker never reached its 1 ms
  EXPECT_EQ(r.end_time, Time() + Micros(1));
  // Nobody retrieves the detached child's failure: the run reports it.
  EXPECT_EQ(r.unretrieved_failures, 1);
}

}  // namespace
}  // namespace sim
