// A short demo of the kernel: explores the canary (a depth-2 ordering bug)
// with PCT, prints the failing run's timeline and the line that replays it,
// then replays it and checks the trace hash.
//
//   build/gcc/cli/kernel_demo [--seed=N]
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "sim/explore.h"
#include "sim/program.h"
#include "sim/testing/canary.h"
#include "sim/trace.h"

ABSL_FLAG(uint64_t, seed, 1, "exploration seed");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sim::testing::CanaryProgram canary;
  sim::ExploreOptions options{.strategy = *sim::ParseStrategy("pct"),
                              .seed = absl::GetFlag(FLAGS_seed),
                              .max_runs = 1000,
                              .executor = {.record_trace = true}};
  sim::ExploreResult r = sim::Explore(canary, options);
  std::printf("explored %lld runs of '%s' with %s\n",
              static_cast<long long>(r.runs), canary.Name().c_str(),
              options.strategy.ToString().c_str());
  if (!r.failure) {
    std::printf("no failure found\n");
    return 1;
  }
  const sim::RunReport& f = *r.failure;
  std::printf("\nfailure: %s\n\ntimeline:\n%s\n", f.failure.c_str(),
              f.Timeline().c_str());
  const std::string token = sim::ReplayToken{canary.Name(), f.tape}.Encode();
  sim::RunReport again = sim::ReplayTape(canary, f.tape, {});
  std::printf("trace hash %s; replayed: %s\nreproduce: %s\n",
              sim::HashToString(f.result.trace_hash).c_str(),
              again.result.trace_hash == f.result.trace_hash ? "same hash"
                                                             : "DIFFERENT",
              token.c_str());
  return again.result.trace_hash == f.result.trace_hash ? 0 : 2;
}
