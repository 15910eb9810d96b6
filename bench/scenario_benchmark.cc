// Scenario throughput: executions per second of whole scenarios (a fresh
// world per run: connection, server, app chain, client, executor), and what
// each send-after-close error-signalling strategy costs.
//
//   build/gcc/bench/scenario_benchmark --benchmark_format=json
//   build/gcc/bench/scenario_benchmark --benchmark_filter=Canonical/trace:0
//
// Benchmarks (items_per_second is executions per second in every one):
//   BM_Canonical/trace:{0,1}   the canonical scenario (uvicorn 0.17.6 h11,
//                              sse-stream, a client that closes with FIN after
//                              the first chunk), tracing off and on; the
//                              target (issue 4) is >= 100,000 executions/s per
//                              core with tracing off.
//   BM_Strategy/<preset>       check-results against each reference server
//                              (ref-noop, ref-raise, ref-raise-and-catch,
//                              ref-result, ref-future), which differ only in
//                              the send-after-close strategy.
//   BM_StrategyUnchecked/<preset>  the same with sse-stream, which ignores
//                              every signal.
//   BM_InterpretedStep/K       an app program of K `note` steps between its
//                              start and its final body (http-full client):
//                              the slope over K is the cost of one
//                              interpreted step that does not suspend.
//   BM_InterpretedLoop/K       the same steps as one `repeat: K` whose body
//                              is a `note`: the cost of one loop pass.
// Counters, per execution (deterministic: the primary signal, STYLE.md 24):
// steps, choices and sends after the client's close; and, from CPU time,
// time_per_send_after_close (seconds; the console shows "226ns"). Every
// repetition runs seeds 0, 1, 2, ... of the random walk (as many as its
// iteration count), so repetitions measure the same executions.
// scripts/bench_scenarios.sh runs them with repetitions and prints a table;
// scripts/bench_compare.py compares two runs.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "models/lang/parse_context.h"
#include "models/lang/program_parser.h"
#include "models/lang/yaml_reader.h"
#include "models/scenario.h"
#include "sim/check.h"
#include "sim/program.h"
#include "sim/random_source.h"
#include "yaml-cpp/yaml.h"

namespace {

constexpr char kCanonical[] =
    "server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1";

constexpr const char* kStrategyPresets[] = {
    "ref-noop", "ref-raise", "ref-raise-and-catch", "ref-result", "ref-future"};

std::unique_ptr<models::Scenario> MakeScenario(absl::string_view text) {
  auto spec = models::ScenarioSpec::Parse(text);
  SIM_CHECK(spec.ok()) << spec.status().message();
  auto scenario = models::Scenario::Create(*spec);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  return *std::move(scenario);
}

// Runs one execution per iteration (seeds 0, 1, ...) and reports the rates.
void RunExecutions(benchmark::State& state, models::Scenario& scenario,
                   bool record_trace) {
  const sim::ExecutorOptions options = scenario.executor_options(record_trace);
  uint64_t seed = 0;
  int64_t steps = 0;
  int64_t choices = 0;
  int64_t sends_after_close = 0;
  for (auto _ : state) {
    sim::RandomWalkSource source(seed++);
    sim::RunReport r = sim::RunProgram(scenario, source, options);
    steps += r.result.steps;
    choices += r.choices;
    sends_after_close += scenario.outcome().SendsAfterClientClose();
    benchmark::DoNotOptimize(r.result.trace_hash);
  }
  const double runs = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["steps_per_execution"] = static_cast<double>(steps) / runs;
  state.counters["choices_per_execution"] = static_cast<double>(choices) / runs;
  state.counters["sends_after_close_per_execution"] =
      static_cast<double>(sends_after_close) / runs;
  // CPU seconds per send after the close (kIsRate divides by the CPU time,
  // kInvert turns the rate around); the console prints it as "226ns".
  if (sends_after_close > 0) {
    state.counters["time_per_send_after_close"] = benchmark::Counter(
        static_cast<double>(sends_after_close),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
}

void BM_Canonical(benchmark::State& state) {
  std::unique_ptr<models::Scenario> scenario = MakeScenario(kCanonical);
  RunExecutions(state, *scenario, state.range(0) != 0);
}
BENCHMARK(BM_Canonical)->ArgName("trace")->Arg(0)->Arg(1);

// The app for the strategy comparison is check-results: it consumes each
// strategy's signal as that strategy intends (ref-result: it reads
// SendResult.delivered; ref-future: it awaits the future; ref-raise and
// ref-raise-and-catch: the exception ends it, as it ends any app that does
// not catch it, and the server's runner recognises it), so every strategy
// that can signal stops the app at its first send after the close and the
// runs compare the mechanisms, not different amounts of app work. catch-all
// would not: it ignores SendResults and futures, so under ref-result and
// ref-future it streams all 20 chunks while under ref-raise it stops after
// one, and the comparison would measure the app's loop. ref-noop cannot
// signal at all, so under it check-results streams to the end: that cost is
// the strategy's (time_per_send_after_close normalises it).
// BM_StrategyUnchecked runs sse-stream, which checks nothing: the cost of each
// strategy's return value when it is ignored (a future allocated per send,
// say), and of the exception that still ends the app under the raising
// strategies.
void BM_Strategy(benchmark::State& state, const std::string& spec) {
  std::unique_ptr<models::Scenario> scenario = MakeScenario(spec);
  RunExecutions(state, *scenario, /*record_trace=*/false);
}

// An app: the response start, `body` (YAML steps), the final body.
std::unique_ptr<models::Scenario> MakeInterpreted(const std::string& body) {
  const std::string text = absl::StrCat(
      "name: interpreted\nprotocol: http\nsteps:\n"
      "  - send: {type: http.response.start}\n",
      body, "  - send: {type: http.response.body, more_body: false}\n");
  const models::lang::YamlReader reader("bench");
  models::lang::ParseContext c(reader, "app");
  auto program = models::lang::ParseAppProgram(c, YAML::Load(text), {});
  SIM_CHECK(program.ok()) << program.status().message();
  auto spec = models::ScenarioSpec::Parse(
      "server=uvicorn-0.17.6-h11,app=interpreted,client=http-full");
  SIM_CHECK(spec.ok()) << spec.status().message();
  spec->app_program = *std::move(program);
  auto scenario = models::Scenario::Create(*spec);
  SIM_CHECK(scenario.ok()) << scenario.status().message();
  return *std::move(scenario);
}

void BM_InterpretedStep(benchmark::State& state) {
  std::string body;
  for (int64_t i = 0; i < state.range(0); ++i) body += "  - note: n\n";
  std::unique_ptr<models::Scenario> scenario = MakeInterpreted(body);
  RunExecutions(state, *scenario, /*record_trace=*/false);
}
BENCHMARK(BM_InterpretedStep)->Arg(0)->Arg(64)->Arg(256)->Arg(1024);

void BM_InterpretedLoop(benchmark::State& state) {
  std::unique_ptr<models::Scenario> scenario = MakeInterpreted(absl::StrCat(
      "  - repeat: ", state.range(0), "\n    steps:\n      - note: n\n"));
  RunExecutions(state, *scenario, /*record_trace=*/false);
}
BENCHMARK(BM_InterpretedLoop)->Arg(0)->Arg(64)->Arg(256)->Arg(1024);

void RegisterStrategyBenchmarks() {
  for (const char* preset : kStrategyPresets) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_Strategy/", preset).c_str(), BM_Strategy,
        absl::StrCat("server=", preset,
                     ",app=check-results,client=http-fin-after-1"));
  }
  for (const char* preset : kStrategyPresets) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_StrategyUnchecked/", preset).c_str(), BM_Strategy,
        absl::StrCat("server=", preset,
                     ",app=sse-stream,client=http-fin-after-1"));
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterStrategyBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
