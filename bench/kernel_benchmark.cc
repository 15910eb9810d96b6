// Kernel step throughput: 3 tasks each yielding 20 times under the random-walk
// strategy, against a "floor" that does the same yields with the barest
// coroutine loop possible (no choices, no trace, round-robin resumes).
//
//   build/gcc/bench/kernel_benchmark --benchmark_format=json
//
// items_per_second is steps (resumes) per second in every benchmark; the
// kernel's over the floor's is its efficiency (scripts/bench_kernel.sh prints
// the ratios).
#include <array>
#include <coroutine>

#include "benchmark/benchmark.h"
#include "sim/executor.h"
#include "sim/prng.h"
#include "sim/random_source.h"

namespace {

constexpr int kTasks = 3;
constexpr int kYields = 20;

sim::Task<void> Yielder(int yields) {
  for (int i = 0; i < yields; ++i) co_await sim::Yield();
}

void BM_KernelRandomWalk(benchmark::State& state) {
  uint64_t seed = 0;
  int64_t steps = 0;
  for (auto _ : state) {
    sim::RandomWalkSource random(seed++);
    sim::Executor ex(random);
    for (int t = 0; t < kTasks; ++t) ex.Spawn(Yielder(kYields), "yielder");
    sim::RunResult r = ex.Run();
    steps += r.steps;
    benchmark::DoNotOptimize(r.trace_hash);
  }
  state.SetItemsProcessed(steps);
  state.counters["steps_per_run"] =
      static_cast<double>(steps) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_KernelRandomWalk);

// The floor: a minimal coroutine resumed round-robin by a plain loop.
struct FloorTask {
  struct promise_type {
    FloorTask get_return_object() {
      return FloorTask{
          std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
  std::coroutine_handle<promise_type> h;
};

FloorTask FloorYielder(int yields) {
  for (int i = 0; i < yields; ++i) co_await std::suspend_always{};
}

void BM_FloorRoundRobin(benchmark::State& state) {
  int64_t steps = 0;
  for (auto _ : state) {
    std::array<std::coroutine_handle<FloorTask::promise_type>, kTasks> tasks;
    for (auto& t : tasks) t = FloorYielder(kYields).h;
    int live = kTasks;
    while (live > 0) {
      live = 0;
      for (auto& t : tasks) {
        if (t.done()) continue;
        t.resume();
        ++steps;
        if (!t.done()) ++live;
      }
    }
    for (auto& t : tasks) t.destroy();
  }
  state.SetItemsProcessed(steps);
}
BENCHMARK(BM_FloorRoundRobin);

// The floor plus random picks: the same bare loop choosing the next coroutine
// uniformly with sim::Prng, as the random walk does. It shows what random
// scheduling costs by itself (unpredictable branches), apart from the kernel.
void BM_FloorRandomPick(benchmark::State& state) {
  int64_t steps = 0;
  uint64_t seed = 0;
  for (auto _ : state) {
    sim::Prng prng(seed++);
    std::array<std::coroutine_handle<FloorTask::promise_type>, kTasks> tasks;
    for (auto& t : tasks) t = FloorYielder(kYields).h;
    size_t live = kTasks;
    while (live > 0) {
      const size_t pick = prng.Below(live);
      tasks[pick].resume();
      ++steps;
      if (tasks[pick].done()) std::swap(tasks[pick], tasks[--live]);
    }
    for (auto& t : tasks) t.destroy();
  }
  state.SetItemsProcessed(steps);
}
BENCHMARK(BM_FloorRandomPick);

}  // namespace

BENCHMARK_MAIN();
