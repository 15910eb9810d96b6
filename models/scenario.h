// A scenario: a server preset (with policy overrides), a middleware chain,
// an app and a client, as one runnable sim::Program. Every run builds a
// fresh world (connection, server, app chain, client) and fills an Outcome.
//
// A scenario is named by its spec, which is also the program name in replay
// tokens: "server=uvicorn-0.17.6-h11,mw=passthrough,app=sse-stream,
// client=http-fin-after-1,send-after-close=future" (middleware outermost
// first; policy overrides last, in field order).
//
//   auto spec = models::ScenarioSpec::Parse(
//       "server=daphne-4.0.0,app=ws-push,client=ws-fin");
//   auto scenario = models::Scenario::Create(*spec);
//   sim::RunReport r = sim::RunProgram(**scenario, source,
//                                      (*scenario)->executor_options());
//   const models::Outcome& o = (*scenario)->outcome();
//
// Thread-safety: a Scenario runs one run at a time; use one per thread.
#ifndef HANGUP_MODELS_SCENARIO_H_
#define HANGUP_MODELS_SCENARIO_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "models/app/program.h"
#include "models/asgi/outcome.h"
#include "models/client/program.h"
#include "models/server/policy.h"
#include "models/server/presets.h"
#include "sim/connection.h"
#include "sim/executor.h"
#include "sim/program.h"

namespace models {

struct ScenarioSpec {
  std::string server;
  std::vector<std::string> middleware;  // outermost first
  std::string app;     // a catalog name, with parameters: "ws-push:messages=5"
  std::string client;  // the same: "ws-close-1000:code=4001;reason=bye"
  std::vector<std::pair<std::string, std::string>> overrides;  // field, value
  // The app lingers this long after its script returns normally, as the
  // conformance suite's apps do ("30s"); empty = not at all.
  std::string linger;
  // Programs written inline (in a scenario file): used instead of looking
  // `app` or `client` up in the catalog, which then only name them.
  std::shared_ptr<const AppProgram> app_program;
  std::shared_ptr<const ClientProgram> client_program;
  // The same for middleware: entry i, when set, is middleware[i]'s program.
  std::vector<std::shared_ptr<const AppProgram>> middleware_programs;

  // The canonical one-line form (overrides in field order).
  std::string ToString() const;
  // Parses "key=value,..." with keys server, mw (repeatable), app, client,
  // linger and policy field names. Errors name the key or value and what was
  // expected; names are checked by Scenario::Create.
  static absl::StatusOr<ScenarioSpec> Parse(absl::string_view text);
};

class Scenario : public sim::Program {
 public:
  // Checks every name and override against the catalogs and the protocol.
  static absl::StatusOr<std::unique_ptr<Scenario>> Create(
      const ScenarioSpec& spec);
  ~Scenario() override;

  std::string Name() const override { return name_; }
  void Start(sim::Executor& executor) override;
  // Completes the outcome record (end time, futures resolved); judges
  // nothing: check::CheckedScenario adds the properties.
  std::string Check(sim::Executor& executor,
                    const sim::RunResult& result) override;
  void Finish() override;

  // Budgets and tracing for this scenario's runs.
  sim::ExecutorOptions executor_options(bool record_trace = false) const;
  const ScenarioSpec& spec() const { return spec_; }
  // The outcome of the current run from Check on, and of the last finished
  // run after Finish.
  const Outcome& outcome() const;

 private:
  struct World;
  explicit Scenario(ScenarioSpec spec);

  ScenarioSpec spec_;
  std::string name_;
  ServerPolicy policy_;
  Protocol protocol_ = Protocol::kHttp;
  std::shared_ptr<const AppProgram> app_;
  struct Middleware {
    std::shared_ptr<const AppProgram> program;
    const char* name;  // the catalog entry's (static)
  };
  std::vector<Middleware> middleware_;
  std::shared_ptr<const ClientProgram> client_;
  sim::Duration linger_;
  std::unique_ptr<World> world_;
  Outcome last_outcome_;
};

}  // namespace models

#endif  // HANGUP_MODELS_SCENARIO_H_
