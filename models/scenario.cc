#include "models/scenario.h"

#include <algorithm>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/asgi/events.h"
#include "models/asgi/registry.h"
#include "models/lang/catalog.h"
#include "models/server/server.h"
#include "sim/check.h"

namespace models {
namespace {

// The entry of `table` called `name`, or NotFound naming what was expected.
template <class T>
absl::StatusOr<const T*> Lookup(absl::Span<const T> table, const char* what,
                                absl::string_view name) {
  const T* found = FindByName(table, name);
  if (found == nullptr) {
    return absl::NotFoundError(UnknownNameMessage(what, name, table));
  }
  return found;
}

// The calls of one kind in flight: several tasks of one app (a task group,
// middleware's listener) may each wait in receive() or send(). The outcome's
// pending flag and time are those of the earliest call still waiting.
class InFlight {
 public:
  void Begin(sim::Time start, bool& pending, sim::Time& since) {
    starts_.push_back(start);
    Publish(pending, since);
  }
  void End(sim::Time start, bool& pending, sim::Time& since) {
    auto it = std::find(starts_.begin(), starts_.end(), start);
    if (it != starts_.end()) starts_.erase(it);
    Publish(pending, since);
  }

 private:
  void Publish(bool& pending, sim::Time& since) const {
    pending = !starts_.empty();
    if (pending) since = *std::min_element(starts_.begin(), starts_.end());
  }
  std::vector<sim::Time> starts_;
};

// Records what the app saw: each send's result or exception, each receive.
class ObservedChannel : public ChannelWrapper {
 public:
  ObservedChannel(Channel& inner, AppContext& ctx,
                  std::vector<std::shared_ptr<sim::Future<bool>>>& futures)
      : ChannelWrapper(inner), ctx_(ctx), futures_(futures) {}

  sim::Task<Message> Receive() override {
    Outcome& o = ctx_.outcome;
    const sim::Time start = ctx_.executor.Now();
    receiving_.Begin(start, o.receive_pending, o.receive_pending_since);
    Message m;
    try {
      m = co_await ChannelWrapper::Receive();
    } catch (const sim::Cancelled&) {
      receiving_.End(start, o.receive_pending, o.receive_pending_since);
      ReceiveRecord blocked{ctx_.executor.Now(), start, Message{}};
      blocked.cancelled = true;
      o.receives.push_back(blocked);
      throw;
    } catch (...) {
      receiving_.End(start, o.receive_pending, o.receive_pending_since);
      throw;
    }
    receiving_.End(start, o.receive_pending, o.receive_pending_since);
    o.receives.push_back(ReceiveRecord{ctx_.executor.Now(), start, m});
    if (m.IsDisconnect()) {
      o.app_noticed = std::min(o.app_noticed, ctx_.executor.Now());
    }
    ctx_.executor.Record(kEvAppRecv, static_cast<int64_t>(m.type), m.code,
                         [&] { return m.ToString(); });
    co_return m;
  }

  sim::Task<SendReturn> Send(Message m) override {
    Outcome& o = ctx_.outcome;
    SendRecord rec;
    rec.message = m;
    rec.start = ctx_.executor.Now();
    SendReturn r;
    sending_.Begin(rec.start, o.send_pending, o.send_pending_since);
    try {
      r = co_await ChannelWrapper::Send(m);
    } catch (...) {
      sending_.End(rec.start, o.send_pending, o.send_pending_since);
      rec.raised = true;
      rec.error = py::Describe(std::current_exception());
      Finish(rec);
      o.app_noticed = std::min(o.app_noticed, rec.time);
      ctx_.executor.Record(
          kEvSendRaised, static_cast<int64_t>(m.type), m.seq, [&] {
            return absl::StrCat(m.ToString(), " raised ", rec.error.type);
          });
      o.sends.push_back(std::move(rec));
      futures_.push_back(nullptr);
      throw;
    }
    sending_.End(rec.start, o.send_pending, o.send_pending_since);
    rec.kind = r.kind;
    rec.wire_tag = r.wire_tag;
    rec.claimed_delivered = r.kind == SendReturnKind::kResult && r.delivered;
    Finish(rec);
    if (r.kind == SendReturnKind::kResult && !r.delivered) {
      o.app_noticed = std::min(o.app_noticed, rec.time);
    }
    ctx_.executor.Record(kEvAppSend, static_cast<int64_t>(m.type), m.seq,
                         [&] { return m.ToString(); });
    o.sends.push_back(std::move(rec));
    futures_.push_back(r.future);
    co_return r;
  }

 private:
  void Finish(SendRecord& rec) {
    const Outcome& o = ctx_.outcome;
    rec.time = ctx_.executor.Now();
    rec.after_client_close = o.client_closed <= rec.time;
    rec.after_server_notice = o.server_noticed <= rec.time;
  }
  AppContext& ctx_;
  std::vector<std::shared_ptr<sim::Future<bool>>>& futures_;
  InFlight receiving_;
  InFlight sending_;
};

class ObserverApp : public App {
 public:
  ObserverApp(AppContext& ctx, App& inner,
              std::vector<std::shared_ptr<sim::Future<bool>>>& futures,
              sim::Duration linger)
      : ctx_(ctx), inner_(inner), futures_(futures), linger_(linger) {}
  sim::Task<void> Call(const Scope& scope, Channel& ch) override {
    ObservedChannel observed(ch, ctx_, futures_);
    co_await inner_.Call(scope, observed);
    if (!linger_.IsZero()) co_await sim::Sleep(linger_);
  }

 private:
  AppContext& ctx_;
  App& inner_;
  std::vector<std::shared_ptr<sim::Future<bool>>>& futures_;
  sim::Duration linger_;
};

}  // namespace

struct Scenario::World {
  World(sim::Executor& ex, const sim::ConnectionOptions& options)
      : connection(ex, options),
        app_context{ex, outcome},
        client_context{ex, connection.client(), outcome} {}
  Outcome outcome;
  sim::Connection connection;
  AppContext app_context;
  ClientContext client_context;
  std::vector<std::shared_ptr<sim::Future<bool>>> futures;
  std::vector<std::unique_ptr<App>> apps;  // innermost first
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
};

std::string ScenarioSpec::ToString() const {
  std::vector<std::string> parts;
  parts.push_back("server=" + server);
  for (const std::string& m : middleware) parts.push_back("mw=" + m);
  // Parameters joined with ';' (',' separates the spec's parts).
  auto canonical = [](const std::string& ref) {
    absl::StatusOr<lang::ProgramRef> r = lang::ParseRef(ref);
    return r.ok() ? lang::RefToString(*r) : ref;
  };
  parts.push_back("app=" + canonical(app));
  parts.push_back("client=" + canonical(client));
  if (!linger.empty()) parts.push_back("linger=" + linger);
  std::vector<std::pair<std::string, std::string>> sorted = overrides;
  auto rank = [](const std::string& field) {
    const auto fields = PolicyFields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (field == fields[i].name) return i;
    }
    return fields.size();
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const auto& a, const auto& b) {
                     return rank(a.first) < rank(b.first);
                   });
  for (const auto& [f, v] : sorted) parts.push_back(f + "=" + v);
  return absl::StrJoin(parts, ",");
}

absl::StatusOr<ScenarioSpec> ScenarioSpec::Parse(absl::string_view text) {
  ScenarioSpec spec;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos || eq == 0 || eq + 1 == part.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scenario part '", part,
                       "' is not key=value (keys: server, mw, app, client, "
                       "or a policy field)"));
    }
    const std::string key(part.substr(0, eq));
    const std::string value(part.substr(eq + 1));
    if (key == "server") {
      spec.server = value;
    } else if (key == "mw" || key == "middleware") {
      spec.middleware.push_back(value);
    } else if (key == "app") {
      spec.app = value;
    } else if (key == "client") {
      spec.client = value;
    } else if (key == "linger") {
      spec.linger = value;
    } else if (FindPolicyField(key) != nullptr) {
      spec.overrides.emplace_back(key, value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "scenario key '", key,
          "' is unknown (expected server, mw, app, client, linger, or a "
          "policy field; `hangup list` shows them)"));
    }
  }
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"server", &spec.server},
        {"app", &spec.app},
        {"client", &spec.client}}) {
    if (value->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scenario '", text, "' has no ", key, "=..."));
    }
  }
  return spec;
}

absl::StatusOr<std::unique_ptr<Scenario>> Scenario::Create(
    const ScenarioSpec& spec) {
  std::unique_ptr<Scenario> s(new Scenario(spec));
  absl::StatusOr<const Preset*> preset =
      Lookup(Presets(), "server", spec.server);
  if (!preset.ok()) return preset.status();
  if (spec.app_program) {
    s->app_ = spec.app_program;
  } else {
    absl::StatusOr<std::shared_ptr<const AppProgram>> app =
        lang::ResolveApp(spec.app);
    if (!app.ok()) return app.status();
    s->app_ = *std::move(app);
  }
  if (spec.client_program) {
    s->client_ = spec.client_program;
  } else {
    absl::StatusOr<std::shared_ptr<const ClientProgram>> client =
        lang::ResolveClient(spec.client);
    if (!client.ok()) return client.status();
    s->client_ = *std::move(client);
  }
  s->protocol_ = s->app_->protocol;
  if (s->client_->protocol != s->protocol_) {
    return absl::InvalidArgumentError(
        absl::StrCat("client '", spec.client, "' speaks ",
                     ProtocolName(s->client_->protocol), " but app '", spec.app,
                     "' speaks ", ProtocolName(s->protocol_)));
  }
  if (!(*preset)->Supports(s->protocol_)) {
    return absl::InvalidArgumentError(absl::StrCat("server '", spec.server,
                                                   "' does not serve ",
                                                   ProtocolName(s->protocol_)));
  }
  for (size_t i = 0; i < spec.middleware.size(); ++i) {
    const std::string& ref = spec.middleware[i];
    if (i < spec.middleware_programs.size() && spec.middleware_programs[i]) {
      const std::shared_ptr<const AppProgram>& p = spec.middleware_programs[i];
      if (p->sender == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "middleware '", ref, "': a program without a sender name"));
      }
      s->middleware_.push_back({p, p->sender});
      continue;
    }
    absl::StatusOr<std::shared_ptr<const AppProgram>> m =
        lang::ResolveMiddleware(ref);
    if (!m.ok()) return m.status();
    const lang::ProgramInfo* info =
        FindByName(lang::CatalogMiddleware(), ref.substr(0, ref.find(':')));
    s->middleware_.push_back({*std::move(m), info->name.c_str()});
  }
  if (!spec.linger.empty()) {
    const std::optional<sim::Duration> linger = ParseDuration(spec.linger);
    if (!linger) {
      return absl::InvalidArgumentError(
          absl::StrCat("scenario linger '", spec.linger,
                       "': expected a duration like 30s or 500ms"));
    }
    s->linger_ = *linger;
  }
  s->policy_ = (*preset)->policy;
  for (const auto& [field, value] : spec.overrides) {
    SIM_RETURN_IF_ERROR(SetPolicyField(s->policy_, field, value));
  }
  s->name_ = spec.ToString();
  return s;
}

Scenario::Scenario(ScenarioSpec spec) : spec_(std::move(spec)) {}
Scenario::~Scenario() = default;

sim::ExecutorOptions Scenario::executor_options(bool record_trace) const {
  return sim::ExecutorOptions{.max_steps = 200'000,
                              .max_time = sim::Seconds(120),
                              .record_trace = record_trace};
}

void Scenario::Start(sim::Executor& ex) {
  world_ = std::make_unique<World>(ex, sim::ConnectionOptions{});
  World& w = *world_;
  w.outcome.sends.reserve(32);
  w.futures.reserve(32);
  w.apps.push_back(MakeProgramApp(*app_, w.app_context));
  w.apps.push_back(std::make_unique<ObserverApp>(w.app_context, *w.apps.back(),
                                                 w.futures, linger_));
  for (size_t i = middleware_.size(); i > 0; --i) {
    const Middleware& m = middleware_[i - 1];
    w.apps.push_back(MakeProgramMiddleware(*m.program, w.app_context,
                                           *w.apps.back(), m.name));
  }
  w.server = std::make_unique<Server>(ex, w.connection.server(), policy_,
                                      *w.apps.back(), w.outcome, protocol_);
  w.client = MakeProgramClient(*client_, w.client_context);
  w.server->Start();
  ex.Spawn(w.client->Run(), "client");
}

std::string Scenario::Check(sim::Executor& ex, const sim::RunResult& result) {
  World& w = *world_;
  w.outcome.end_time = ex.Now();
  // ObservedChannel pushes one future (or nullptr) with every send record.
  SIM_CHECK(w.futures.size() == w.outcome.sends.size());
  for (size_t i = 0; i < w.outcome.sends.size(); ++i) {
    const auto& f = w.futures[i];
    if (f && f->done()) {
      w.outcome.sends[i].future_resolved = true;
      w.outcome.sends[i].claimed_delivered = f->result();
    }
  }
  (void)result;
  return "";
}

const Outcome& Scenario::outcome() const {
  return world_ ? world_->outcome : last_outcome_;
}

void Scenario::Finish() {
  if (world_) last_outcome_ = std::move(world_->outcome);
  world_.reset();
}

}  // namespace models
