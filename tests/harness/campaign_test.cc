// Campaigns: results independent of the number of jobs, shrinking keeps
// the violation, a stop request returns what was found so far, and only an
// abort (not a spent budget) skips shrinking.
#include "harness/campaign.h"

#include "gtest/gtest.h"
#include "sim/trace.h"

namespace harness {
namespace {

using check::HasViolation;
using check::PropertyOptions;
using check::Violation;
using models::ScenarioSpec;

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

std::string Summary(const CampaignResult& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += f.key + " run=" + std::to_string(f.run) + " tape=" + f.Token() +
           " hash=" + sim::HashToString(f.trace_hash) + "\n";
  }
  return out;
}

TEST(Campaign, ResultsDoNotDependOnTheNumberOfJobs) {
  CampaignOptions opts;
  opts.targets = Targets(SmallMatrix(), {});
  opts.runs_per_scenario = 300;
  opts.jobs = 1;
  CampaignResult one = RunCampaign(opts, nullptr);
  opts.jobs = 3;
  CampaignResult three = RunCampaign(opts, nullptr);
  EXPECT_FALSE(one.findings.empty());
  EXPECT_EQ(one.executions, three.executions);
  EXPECT_EQ(Summary(one), Summary(three));
}

TEST(Campaign, ShrunkTapesStillBreakTheSamePropertyAndAreNoLonger) {
  CampaignOptions opts;
  opts.targets = Targets(SmallMatrix(), {});
  opts.runs_per_scenario = 300;
  CampaignResult r = RunCampaign(opts, nullptr);
  ASSERT_FALSE(r.findings.empty());
  for (const Finding& f : r.findings) {
    EXPECT_LE(f.tape.size(), f.original_tape.size()) << f.key;
    auto spec = ScenarioSpec::Parse(f.scenario);
    ASSERT_TRUE(spec.ok()) << spec.status();
    absl::StatusOr<Replayed> r = ReplaySpec(*spec, f.tape, {});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(HasViolation(r->violations, f.violation.property,
                             f.violation.signature))
        << f.key;
    EXPECT_EQ(r->report.result.trace_hash, f.trace_hash) << f.key;
  }
}

TEST(Campaign, SwarmAndPctAndDfsRun) {
  for (const char* strategy : {"pct", "pct:d=3", "dfs:pb=1"}) {
    CampaignOptions opts;
    opts.targets = Targets(
        {*ScenarioSpec::Parse(
            "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-1000")},
        {});
    opts.strategy = *sim::ParseStrategy(strategy);
    opts.runs_per_scenario = 500;
    opts.shrink = false;
    CampaignResult r = RunCampaign(opts, nullptr);
    EXPECT_GT(r.executions, 0) << strategy;
    EXPECT_FALSE(r.findings.empty()) << strategy;
  }
  CampaignOptions swarm;
  swarm.targets = Targets(SmallMatrix(), {});
  swarm.strategy = *sim::ParseStrategy("swarm");
  swarm.runs_per_scenario = 200;
  swarm.shrink = false;
  EXPECT_FALSE(RunCampaign(swarm, nullptr).findings.empty());
}

TEST(Campaign, AStopRequestReturnsEveryFindingReportedSoFar) {
  struct Observer : CampaignObserver {
    std::vector<std::string> reported;
    int64_t progress_calls = 0;
    void OnFinding(const Finding& f) override { reported.push_back(f.key); }
    void OnProgress(int64_t, int64_t) override { ++progress_calls; }
    StopRequest ShouldStop() override {
      return reported.size() >= 2 ? StopRequest::kStop : StopRequest::kNone;
    }
  } observer;
  CampaignOptions opts;
  opts.targets = Targets(SmallMatrix(), {});
  opts.runs_per_scenario = 100000;
  CampaignResult r = RunCampaign(opts, &observer);
  EXPECT_TRUE(r.stopped);
  EXPECT_LT(r.executions, 4 * 100000);
  std::set<std::string> returned;
  for (const Finding& f : r.findings) returned.insert(f.key);
  for (const std::string& key : observer.reported)
    EXPECT_TRUE(returned.count(key)) << key;
  EXPECT_GT(observer.progress_calls, 0);
}

// Stops once `findings` findings were reported, with `request`.
struct StopAfter : CampaignObserver {
  StopAfter(size_t findings, StopRequest request)
      : findings(findings), request(request) {}
  void OnFinding(const Finding&) override { ++found; }
  void OnShrunk(const Finding&) override { ++shrunk; }
  StopRequest ShouldStop() override {
    return found >= findings ? request : StopRequest::kNone;
  }
  size_t findings;
  StopRequest request;
  size_t found = 0;
  size_t shrunk = 0;
};

TEST(Campaign, ABudgetStopStillShrinksButAnAbortDoesNot) {
  for (StopRequest request : {StopRequest::kStop, StopRequest::kAbort}) {
    const bool abort = request == StopRequest::kAbort;
    SCOPED_TRACE(abort ? "abort" : "stop");
    StopAfter observer(2, request);
    CampaignOptions opts;
    opts.targets = Targets(SmallMatrix(), {});
    opts.runs_per_scenario = 100000;
    CampaignResult r = RunCampaign(opts, &observer);
    EXPECT_TRUE(r.stopped);
    EXPECT_EQ(r.aborted, abort);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(observer.shrunk, abort ? size_t{0} : r.findings.size());
    for (const Finding& f : r.findings) {
      EXPECT_EQ(f.shrunk, !abort) << f.key;
      if (abort) {
        EXPECT_EQ(f.tape, f.original_tape) << f.key;
      }
    }
  }
}

}  // namespace
}  // namespace harness
