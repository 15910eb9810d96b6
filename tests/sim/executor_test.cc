#include "sim/executor.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/dfs_source.h"
#include "sim/random_source.h"
#include "sim/sync.h"
#include "sim/tape_source.h"
#include "sim/timeout.h"

namespace sim {
namespace {

// Appends `tag` at each of `steps` atomic steps, yielding in between.
Task<void> Stepper(std::string* log, char tag, int steps) {
  for (int i = 0; i < steps; ++i) {
    if (i > 0) co_await Yield();
    log->push_back(tag);
  }
}

std::string RunSteppers(ChoiceSource& source, int tasks, int steps,
                        uint64_t* hash = nullptr) {
  std::string log;
  {
    Executor ex(source);
    for (int t = 0; t < tasks; ++t) {
      ex.Spawn(Stepper(&log, static_cast<char>('a' + t), steps), "stepper");
    }
    RunResult r = ex.Run();
    EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
    if (hash) *hash = r.trace_hash;
  }
  return log;
}

TEST(Executor, SameSeedGivesSameTraceHashFor1000Seeds) {
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    uint64_t h1 = 0, h2 = 0;
    RandomWalkSource a(seed), b(seed);
    const std::string l1 = RunSteppers(a, 3, 5, &h1);
    const std::string l2 = RunSteppers(b, 3, 5, &h2);
    ASSERT_EQ(h1, h2) << "seed " << seed;
    ASSERT_EQ(l1, l2) << "seed " << seed;
  }
}

TEST(Executor, DifferentSchedulesGiveDifferentHashes) {
  uint64_t h1 = 0, h2 = 0;
  std::vector<uint8_t> t1 = {0, 0, 0}, t2 = {1, 1, 1};
  TapeSource a(t1), b(t2);
  EXPECT_NE(RunSteppers(a, 2, 3, &h1), RunSteppers(b, 2, 3, &h2));
  EXPECT_NE(h1, h2);
}

TEST(Executor, ChoiceZeroKeepsRunningTheCurrentTask) {
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  EXPECT_EQ(RunSteppers(zeros, 3, 2), "aabbcc");
}

std::vector<std::string> EnumerateInterleavings(int tasks, int steps,
                                                int64_t* runs) {
  DfsSource dfs({});
  std::vector<std::string> seen;
  while (dfs.BeginRun()) seen.push_back(RunSteppers(dfs, tasks, steps));
  *runs = dfs.runs();
  EXPECT_TRUE(dfs.exhausted());
  return seen;
}

TEST(Executor, DfsEnumeratesExactly6InterleavingsOf2TasksWith2Steps) {
  int64_t runs = 0;
  std::vector<std::string> seen = EnumerateInterleavings(2, 2, &runs);
  EXPECT_EQ(runs, 6);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"aabb", "abab", "abba", "baab",
                                            "baba", "bbaa"}));
}

TEST(Executor, DfsEnumeratesExactly90InterleavingsOf3TasksWith2Steps) {
  int64_t runs = 0;
  std::vector<std::string> seen = EnumerateInterleavings(3, 2, &runs);
  EXPECT_EQ(runs, 90);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end())
      << "every run must be a distinct interleaving";
}

TEST(Executor, DfsPreemptionBoundZeroRunsOnlyNonPreemptiveSchedules) {
  DfsSource dfs({.preemption_bound = 0});
  std::vector<std::string> seen;
  while (dfs.BeginRun()) seen.push_back(RunSteppers(dfs, 2, 2));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"aabb", "bbaa"}));
}

struct Cleanup {
  int* count;
  ~Cleanup() { ++*count; }
};

Task<void> Cancellable(Event* never, int* reached, int* caught,
                       int* destroyed) {
  Cleanup c{destroyed};
  *reached = 1;
  try {
    co_await never->Wait();
    *reached = 2;
  } catch (const Cancelled&) {
    ++*caught;
    throw;
  }
}

Task<void> CancelAfter(Executor* ex, TaskState* target, Duration d) {
  co_await Sleep(d);
  ex->Cancel(target);
}

TEST(Executor, CancellationLandsAtTheNextAwaitAndCleanupRunsOnce) {
  Event never;
  int reached = 0, caught = 0, destroyed = 0;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  {
    Executor ex(zeros);
    auto victim =
        ex.Spawn(Cancellable(&never, &reached, &caught, &destroyed), "victim");
    ex.Spawn(CancelAfter(&ex, victim.state(), Millis(5)), "canceller");
    RunResult r = ex.Run();
    EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
    EXPECT_EQ(victim.state()->outcome, TaskState::Outcome::kCancelled);
    EXPECT_EQ(r.end_time, Time() + Millis(5));
  }
  EXPECT_EQ(reached, 1);
  EXPECT_EQ(caught, 1);
  EXPECT_EQ(destroyed, 1);
}

Task<void> SelfCancelThenYield(Executor* ex, int* after_cancel_call,
                               int* caught) {
  TaskState* self = co_await CurrentTask();
  ex->Cancel(self);
  *after_cancel_call = 1;  // still running: nothing thrown before an await
  try {
    co_await Yield();
  } catch (const Cancelled&) {
    ++*caught;
  }
  co_await Yield();  // delivered once: the next await is normal
}

TEST(Executor, CancellationIsDeliveredOnceAtTheNextSuspension) {
  int after = 0, caught = 0;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  auto t = ex.Spawn(SelfCancelThenYield(&ex, &after, &caught), "self");
  ex.Run();
  EXPECT_EQ(after, 1);
  EXPECT_EQ(caught, 1);
  EXPECT_EQ(t.state()->outcome, TaskState::Outcome::kReturned);
}

Task<void> NeverStarts(int* ran) {
  *ran = 1;
  co_return;
}

TEST(Executor, TaskCancelledBeforeItsFirstStepNeverRuns) {
  int ran = 0;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  auto t = ex.Spawn(NeverStarts(&ran), "never");
  ex.Cancel(t.state());
  ex.Run();
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(t.state()->outcome, TaskState::Outcome::kCancelled);
}

Task<void> SleepForever() { co_await Sleep(Seconds(10)); }

Task<void> TimesOut(Executor* ex, Time* when, bool* timed_out) {
  try {
    co_await WaitFor(SleepForever(), Seconds(3));
  } catch (const TimeoutError&) {
    *timed_out = true;
    *when = ex->Now();
  }
}

TEST(Executor, TimeoutFiresAtTheRightVirtualTime) {
  Time when;
  bool timed_out = false;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(TimesOut(&ex, &when, &timed_out), "waiter");
  RunResult r = ex.Run();
  EXPECT_TRUE(timed_out);
  EXPECT_EQ(when, Time() + Seconds(3));
  EXPECT_EQ(r.verdict, RunVerdict::kCompleted);
}

Task<int> Quick() {
  co_await Sleep(Millis(1));
  co_return 7;
}

Task<void> NoTimeout(int* got) { *got = co_await WaitFor(Quick(), Seconds(1)); }

TEST(Executor, WaitForReturnsTheValueWhenInTime) {
  int got = 0;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(NoTimeout(&got), "waiter");
  RunResult r = ex.Run();
  EXPECT_EQ(got, 7);
  EXPECT_EQ(r.end_time, Time() + Millis(1));
}

Task<void> TimeoutThenOuterCancel(Executor* ex, bool* saw_cancelled) {
  TaskState* self = co_await CurrentTask();
  ex->Cancel(self);  // an outside cancellation, pending
  try {
    co_await WaitFor(SleepForever(), Seconds(1));
  } catch (const TimeoutError&) {
  } catch (const Cancelled&) {
    *saw_cancelled = true;
  }
}

TEST(Executor, OutsideCancellationWinsOverWaitFor) {
  bool saw = false;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(TimeoutThenOuterCancel(&ex, &saw), "t");
  ex.Run();
  EXPECT_TRUE(saw);
}

Task<void> Spin() {
  for (;;) co_await Yield();
}

Task<void> SleepLoop() {
  for (;;) co_await Sleep(Seconds(1));
}

TEST(Executor, StepBudgetTurnsAnInfiniteLoopIntoALivenessVerdict) {
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros, {.max_steps = 500});
  ex.Spawn(Spin(), "spin");
  RunResult r = ex.Run();
  EXPECT_EQ(r.verdict, RunVerdict::kStepBudget);
  EXPECT_EQ(r.steps, 500);
  EXPECT_EQ(r.unfinished_tasks, 1);
}

TEST(Executor, TimeBudgetTurnsATimerLoopIntoALivenessVerdict) {
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros, {.max_time = Seconds(30)});
  ex.Spawn(SleepLoop(), "ticker");
  RunResult r = ex.Run();
  EXPECT_EQ(r.verdict, RunVerdict::kTimeBudget);
  EXPECT_EQ(r.end_time, Time() + Seconds(30));
}

Task<void> WaitsForever(Event* e) { co_await e->Wait(); }

TEST(Executor, BlockedTasksWithNoTimersAreQuiescent) {
  Event never;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(WaitsForever(&never), "stuck");
  EXPECT_EQ(ex.Run().verdict, RunVerdict::kQuiescent);
}

Task<void> Sleeper(std::string* log, char tag, Duration d) {
  co_await Sleep(d);
  log->push_back(tag);
}

TEST(Executor, ClockJumpsToTheNextTimer) {
  std::string log;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(Sleeper(&log, 'c', Seconds(3)), "c");
  ex.Spawn(Sleeper(&log, 'a', Seconds(1)), "a");
  ex.Spawn(Sleeper(&log, 'b', Seconds(2)), "b");
  RunResult r = ex.Run();
  EXPECT_EQ(log, "abc");
  EXPECT_EQ(r.end_time, Time() + Seconds(3));
  EXPECT_LE(r.steps, 6);
}

Task<int> Thrower() {
  co_await Yield();
  throw std::runtime_error("boom");
}

Task<void> Joiner(JoinHandle<int> h, std::string* what) {
  try {
    co_await h;
  } catch (const std::runtime_error& e) {
    *what = e.what();
  }
}

TEST(Executor, JoinRethrowsTheTasksException) {
  std::string what;
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  auto h = ex.Spawn(Thrower(), "thrower");
  ex.Spawn(Joiner(h, &what), "joiner");
  RunResult r = ex.Run();
  EXPECT_EQ(what, "boom");
  EXPECT_EQ(r.unretrieved_failures, 0);
}

TEST(Executor, UnjoinedFailureIsCounted) {
  const std::vector<uint8_t> empty;
  TapeSource zeros(empty);
  Executor ex(zeros);
  ex.Spawn(Thrower(), "thrower");
  EXPECT_EQ(ex.Run().unretrieved_failures, 1);
}

TEST(Executor, TraceRecordsATimeline) {
  std::string log;
  const std::vector<uint8_t> tape = {1, 1};
  TapeSource source(tape);
  Executor ex(source, {.record_trace = true});
  ex.Spawn(Stepper(&log, 'a', 2), "alpha");
  ex.Spawn(Stepper(&log, 'b', 2), "beta");
  RunResult r = ex.Run();
  const std::string timeline = ex.trace().Timeline(ex.task_names());
  EXPECT_NE(timeline.find("alpha"), std::string::npos);
  EXPECT_NE(timeline.find("spawn"), std::string::npos);
  EXPECT_EQ(timeline.find("step"), std::string::npos);
  const std::string with_steps =
      ex.trace().Timeline(ex.task_names(), /*steps=*/true);
  EXPECT_NE(with_steps.find("pick 1 of 2"), std::string::npos);
  EXPECT_NE(ex.trace().ToJson(ex.task_names()).find(HashToString(r.trace_hash)),
            std::string::npos);
  // Recording does not change the hash.
  std::string log2;
  TapeSource again(tape);
  Executor quiet(again);
  quiet.Spawn(Stepper(&log2, 'a', 2), "alpha");
  quiet.Spawn(Stepper(&log2, 'b', 2), "beta");
  EXPECT_EQ(quiet.Run().trace_hash, r.trace_hash);
}

}  // namespace
}  // namespace sim
