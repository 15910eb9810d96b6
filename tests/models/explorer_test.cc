// The explorer: results independent of the number of jobs, shrinking keeps
// the violation, and a stop request returns what was found so far.
#include "models/explorer.h"

#include "gtest/gtest.h"
#include "sim/trace.h"

namespace models {
namespace {

std::vector<ScenarioSpec> SmallMatrix() {
  std::vector<ScenarioSpec> out;
  for (const char* s :
       {"server=uvicorn-0.28.0,app=stream-taskgroup,client=http-close-at-"
        "random",
        "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-at-random",
        "server=hypercorn-0.13.2,app=ws-reader-producer,client=ws-close-at-"
        "random",
        "server=ref-result,app=check-results,client=http-close-at-random"}) {
    out.push_back(*ScenarioSpec::Parse(s));
  }
  return out;
}

std::string Summary(const ExploreResult& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += f.key + " run=" + std::to_string(f.run) + " tape=" + f.Token() +
           " hash=" + sim::HashToString(f.trace_hash) + "\n";
  }
  return out;
}

TEST(Explorer, ResultsDoNotDependOnTheNumberOfJobs) {
  ExploreOptions opts;
  opts.scenarios = SmallMatrix();
  opts.runs_per_scenario = 300;
  opts.jobs = 1;
  ExploreResult one = Explore(opts, nullptr);
  opts.jobs = 3;
  ExploreResult three = Explore(opts, nullptr);
  EXPECT_FALSE(one.findings.empty());
  EXPECT_EQ(one.executions, three.executions);
  EXPECT_EQ(Summary(one), Summary(three));
}

TEST(Explorer, ShrunkTapesStillBreakTheSamePropertyAndAreNoLonger) {
  ExploreOptions opts;
  opts.scenarios = SmallMatrix();
  opts.runs_per_scenario = 300;
  ExploreResult r = Explore(opts, nullptr);
  ASSERT_FALSE(r.findings.empty());
  for (const Finding& f : r.findings) {
    EXPECT_LE(f.tape.size(), f.original_tape.size()) << f.key;
    auto spec = ScenarioSpec::Parse(f.scenario);
    sim::RunReport report;
    std::vector<Violation> v =
        ReplayViolations(*spec, f.tape, opts.properties, &report);
    bool same = false;
    for (const Violation& x : v) {
      same |= x.property == f.violation.property &&
              x.signature == f.violation.signature;
    }
    EXPECT_TRUE(same) << f.key;
    EXPECT_EQ(report.result.trace_hash, f.trace_hash) << f.key;
  }
}

TEST(Explorer, SwarmAndPctAndDfsRun) {
  for (const char* strategy : {"pct", "pct:d=3", "dfs:pb=1"}) {
    ExploreOptions opts;
    opts.scenarios = {*ScenarioSpec::Parse(
        "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-1000")};
    opts.strategy = *sim::ParseStrategy(strategy);
    opts.runs_per_scenario = 500;
    opts.shrink = false;
    ExploreResult r = Explore(opts, nullptr);
    EXPECT_GT(r.executions, 0) << strategy;
    EXPECT_FALSE(r.findings.empty()) << strategy;
  }
  ExploreOptions swarm;
  swarm.scenarios = SmallMatrix();
  swarm.swarm = true;
  swarm.runs_per_scenario = 200;
  swarm.shrink = false;
  EXPECT_FALSE(Explore(swarm, nullptr).findings.empty());
}

TEST(Explorer, AStopRequestReturnsEveryFindingReportedSoFar) {
  struct Observer : ExploreObserver {
    std::vector<std::string> reported;
    int64_t progress_calls = 0;
    void OnFinding(const Finding& f) override { reported.push_back(f.key); }
    void OnProgress(int64_t, int64_t) override { ++progress_calls; }
    bool ShouldStop() override { return reported.size() >= 2; }
  } observer;
  ExploreOptions opts;
  opts.scenarios = SmallMatrix();
  opts.runs_per_scenario = 100000;
  ExploreResult r = Explore(opts, &observer);
  EXPECT_TRUE(r.stopped);
  EXPECT_LT(r.executions, 4 * 100000);
  std::set<std::string> returned;
  for (const Finding& f : r.findings) returned.insert(f.key);
  for (const std::string& key : observer.reported)
    EXPECT_TRUE(returned.count(key)) << key;
  EXPECT_GT(observer.progress_calls, 0);
}

}  // namespace
}  // namespace models
