// Middleware models: what a middleware sends of its own is in the outcome
// record and the timeline under its name, apart from the app's sends.
#include "models/app/middleware.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/test_util.h"

namespace models {
namespace {

// Starlette's usual stack: ServerErrorMiddleware outermost, a
// BaseHTTPMiddleware inside. When the client leaves before the app starts
// its response, call_next raises RuntimeError("No response returned.") and
// ServerErrorMiddleware answers 500 itself.
constexpr char kStack[] =
    "server=uvicorn-0.17.6-h11,mw=error-500,mw=base-http,"
    "app=stream-taskgroup,client=http-close-at-random";

struct Traced {
  Outcome outcome;
  std::string timeline;
};

Traced RunTraced(uint64_t seed) {
  Traced t;
  auto scenario = check::CheckedScenario::Create(testing::Spec(kStack),
                                                 check::PropertyOptions{});
  if (!scenario.ok()) {
    ADD_FAILURE() << scenario.status();
    return t;
  }
  sim::RandomWalkSource random(seed);
  const sim::RunReport report = sim::RunProgram(
      **scenario, random, (*scenario)->executor_options(/*record_trace=*/true));
  t.outcome = (*scenario)->outcome();
  t.timeline = report.Timeline();
  return t;
}

TEST(Middleware, ServerErrorsOwn500IsInTheOutcomeAndTheTimeline) {
  int found = -1;
  Traced t;
  for (int seed = 0; seed < 500 && found < 0; ++seed) {
    t = RunTraced(seed);
    if (!t.outcome.middleware_sends.empty() &&
        t.outcome.middleware_sends.front().from ==
            absl::string_view("error-500")) {
      found = seed;
    }
  }
  ASSERT_GE(found, 0) << "no seed of 0..499 made error-500 answer";
  const Outcome& o = t.outcome;
  ASSERT_EQ(o.middleware_sends.size(), 2u) << OutcomeToText(o);
  const SendRecord& start = o.middleware_sends[0];
  EXPECT_EQ(start.message.type, MessageType::kHttpResponseStart);
  EXPECT_EQ(start.message.status, 500);
  EXPECT_EQ(o.middleware_sends[1].message.type, MessageType::kHttpResponseBody);
  EXPECT_STREQ(o.middleware_sends[1].from, "error-500");
  // The app sent nothing itself: the counts over the app's sends say so.
  for (const SendRecord& s : o.sends) EXPECT_STREQ(s.from, kAppSender);
  EXPECT_EQ(o.AllSends().size(), o.sends.size() + 2);
  EXPECT_TRUE(absl::StrContains(
      t.timeline, "mw-send    error-500: http.response.start status=500"))
      << t.timeline;
  EXPECT_TRUE(absl::StrContains(OutcomeToText(o),
                                "[error-500] http.response.start status=500"))
      << OutcomeToText(o);
  EXPECT_TRUE(absl::StrContains(OutcomeToJson(o), R"("from":"error-500")"));
}

TEST(Middleware, BaseHttpsResponseIsItsOwnAndTheAppsSendsStayTheApps) {
  const testing::Ran r = testing::RunTape(
      "server=uvicorn-0.51-h11,mw=base-http,app=sse-stream,client=http-full");
  ASSERT_FALSE(r.outcome.sends.empty());
  ASSERT_FALSE(r.outcome.middleware_sends.empty());
  for (const SendRecord& s : r.outcome.sends) EXPECT_STREQ(s.from, "app");
  for (const SendRecord& s : r.outcome.middleware_sends)
    EXPECT_STREQ(s.from, "base-http");
  // Every body the client read went out as one of base-http's own sends.
  int bodies = 0;
  for (const SendRecord& s : r.outcome.middleware_sends)
    bodies += s.message.type == MessageType::kHttpResponseBody && s.wire_tag;
  EXPECT_GE(bodies, r.outcome.client.body_chunks);
  // A pass-through forwards the app's sends and sends nothing of its own.
  const testing::Ran p = testing::RunTape(
      "server=uvicorn-0.51-h11,mw=passthrough,app=sse-stream,client=http-full");
  EXPECT_TRUE(p.outcome.middleware_sends.empty());
  EXPECT_EQ(p.outcome.sends.size(), r.outcome.sends.size());
}

}  // namespace
}  // namespace models
