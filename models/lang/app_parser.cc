// Parses app programs (see program_parser.h and docs/scenario-language.md).
#include "models/lang/app_parser.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/asgi/py_exceptions.h"
#include "models/asgi/suggest.h"
#include "models/lang/program_parser.h"
#include "sim/check.h"

namespace models::lang {
namespace internal {

// The message a send step starts from: the type's defaults (200, 64 bytes
// of body, 32 bytes of WebSocket message, close code 1000).
Message DefaultMessage(MessageType type) {
  switch (type) {
    case MessageType::kHttpResponseStart:
      return Message::Start();
    case MessageType::kHttpResponseBody:
      return Message::Body(0, false);
    case MessageType::kWsSend:
      return Message::WsSend(0);
    case MessageType::kWsClose:
      return Message::WsClose();
    default:
      return Message::Of(type);
  }
}

// The message holds every constant field; the interpreter sets only the
// fields that are loop counters (program.h, Step::message).
void FillConstants(models::Step* s) {
  Message& m = s->message;
  if (s->seq.slot < 0) m.seq = static_cast<uint32_t>(s->seq.constant);
  if (s->bytes.slot < 0) m.bytes = static_cast<uint32_t>(s->bytes.constant);
  if (s->status.slot < 0) m.status = static_cast<int32_t>(s->status.constant);
  if (s->code.slot < 0) m.code = static_cast<int32_t>(s->code.constant);
}

const std::vector<std::string>& Ops() {
  static const std::vector<std::string> kOps = {"send",
                                                "receive",
                                                "poll-disconnect",
                                                "sleep",
                                                "wait-forever",
                                                "repeat",
                                                "loop-until",
                                                "if",
                                                "task-group",
                                                "try",
                                                "suppress",
                                                "timeout",
                                                "raise",
                                                "return",
                                                "note",
                                                "set",
                                                "mark",
                                                "call-app",
                                                "reraise",
                                                "starlette-base-http"};
  return kOps;
}

Status AppParser::Steps(const YAML::Node& n, const std::string& field,
                        Block* out) {
  SIM_RETURN_IF_ERROR(ExpectList(c_, n, field));
  for (size_t i = 0; i < n.size(); ++i) {
    SIM_RETURN_IF_ERROR(Step(n[i], absl::StrCat(field, "[", i, "]"), out));
  }
  return absl::OkStatus();
}

Status AppParser::Options(const YAML::Node& n, const std::string& field,
                          const std::string& op,
                          std::vector<std::string> allowed) const {
  if (!n.IsMap()) return absl::OkStatus();
  allowed.insert(allowed.begin(), op);
  return c_.reader().Keys(n, field, allowed);
}

Status AppParser::Int(const YAML::Node& n, const std::string& field,
                      Value* out) const {
  if (n.IsScalar()) {
    const int16_t slot = c_.SlotRef(n.Scalar());
    if (slot >= 0) {
      *out = Value{0, slot};
      return absl::OkStatus();
    }
  }
  absl::StatusOr<int64_t> v = c_.Int(n, field, 0, 1'000'000'000);
  if (!v.ok()) return v.status();
  *out = Value{*v, -1};
  return absl::OkStatus();
}

Status AppParser::Send(const YAML::Node& step, const YAML::Node& arg,
                       const std::string& field, models::Step* s) {
  const std::string f = YamlReader::Join(field, "send");
  SIM_RETURN_IF_ERROR(c_.reader().Keys(
      arg, f, {"type", "status", "seq", "bytes", "more_body", "code"}));
  if (!arg["type"])
    return c_.At(arg, YamlReader::Join(f, "type"), "is missing");
  absl::StatusOr<MessageType> type =
      ReadMessageType(c_, arg["type"], YamlReader::Join(f, "type"));
  if (!type.ok()) return type.status();
  const absl::string_view type_name = MessageTypeName(*type);
  if (type_name.substr(0, 10) == "websocket.") uses_websocket_ = true;
  s->op = StepOp::kSend;
  s->message = DefaultMessage(*type);
  s->seq = Value{s->message.seq, -1};
  s->bytes = Value{s->message.bytes, -1};
  s->status = Value{s->message.status, -1};
  s->code = Value{s->message.code, -1};
  for (auto [key, out] : {std::pair<const char*, Value*>{"seq", &s->seq},
                          {"bytes", &s->bytes},
                          {"status", &s->status},
                          {"code", &s->code}}) {
    if (arg[key]) {
      SIM_RETURN_IF_ERROR(Int(arg[key], YamlReader::Join(f, key), out));
    }
  }
  FillConstants(s);
  if (arg["more_body"]) {
    absl::StatusOr<bool> more =
        c_.Bool(arg["more_body"], YamlReader::Join(f, "more_body"));
    if (!more.ok()) return more.status();
    s->message.more_body = *more;
  }
  if (step["check"]) {
    absl::StatusOr<bool> check =
        c_.Bool(step["check"], YamlReader::Join(field, "check"));
    if (!check.ok()) return check.status();
    s->check = *check;
  }
  if (step["on-undelivered"]) {
    s->check = true;
    SIM_RETURN_IF_ERROR(Steps(step["on-undelivered"],
                              YamlReader::Join(field, "on-undelivered"),
                              &s->alt));
  }
  return absl::OkStatus();
}

Status AppParser::Receive(const YAML::Node& arg, const std::string& field,
                          models::Step* s) const {
  s->op = StepOp::kReceive;
  if (!arg || arg.IsNull()) return absl::OkStatus();
  const std::string f = YamlReader::Join(field, "receive");
  SIM_RETURN_IF_ERROR(c_.reader().Keys(arg, f, {"until"}));
  const YAML::Node until = arg["until"];
  if (until.IsScalar() && until.Scalar() == "body-end") {
    s->receive_until = ReceiveMode::kBodyEnd;
    return absl::OkStatus();
  }
  absl::StatusOr<MessageType> type =
      ReadMessageType(c_, until, YamlReader::Join(f, "until"));
  if (!type.ok()) {
    return c_.At(until, YamlReader::Join(f, "until"),
                 absl::StrCat("expected body-end or a message type (",
                              absl::StrJoin(MessageTypeNames(), ", "), ")"));
  }
  s->receive_until = ReceiveMode::kType;
  s->until_type = *type;
  return absl::OkStatus();
}

Status AppParser::Composite(const std::string& op, const YAML::Node& step,
                            const YAML::Node& arg, const std::string& field,
                            models::Step* s) {
  auto body = [&](const char* key) -> Status {
    if (!step[key])
      return c_.At(step, YamlReader::Join(field, key), "is missing");
    return Steps(step[key], YamlReader::Join(field, key), &s->body);
  };
  const std::string f = YamlReader::Join(field, op);
  if (op == "repeat") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"as", "steps"}));
    s->op = StepOp::kRepeat;
    SIM_RETURN_IF_ERROR(Int(arg, f, &s->count));
    std::string counter = absl::StrCat("repeat@", field);
    if (step["as"]) {
      absl::StatusOr<std::string> name =
          c_.Name(step["as"], YamlReader::Join(field, "as"), "a counter name");
      if (!name.ok()) return name.status();
      counter = *name;
    }
    s->slot = c_.Slot(counter);
    return body("steps");
  }
  if (op == "loop-until") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"steps", "max"}));
    s->op = StepOp::kLoop;
    SIM_RETURN_IF_ERROR(Cond(arg, f, &s->until));
    if (step["max"]) {
      absl::StatusOr<int64_t> max =
          c_.Int(step["max"], YamlReader::Join(field, "max"), 1, 1'000'000);
      if (!max.ok()) return max.status();
      s->max_passes = *max;
    }
    return body("steps");
  }
  if (op == "if") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"then", "else"}));
    s->op = StepOp::kIf;
    SIM_RETURN_IF_ERROR(Cond(arg, f, &s->until));
    SIM_RETURN_IF_ERROR(body("then"));
    if (!step["else"]) return absl::OkStatus();
    return Steps(step["else"], YamlReader::Join(field, "else"), &s->alt);
  }
  return Blocks(op, step, arg, field, s);
}

// task-group, try, suppress and timeout.
Status AppParser::Blocks(const std::string& op, const YAML::Node& step,
                         const YAML::Node& arg, const std::string& field,
                         models::Step* s) {
  auto body = [&](const char* key) -> Status {
    if (!step[key])
      return c_.At(step, YamlReader::Join(field, key), "is missing");
    return Steps(step[key], YamlReader::Join(field, key), &s->body);
  };
  const std::string f = YamlReader::Join(field, op);
  if (op == "task-group") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"semantics"}));
    s->op = StepOp::kTaskGroup;
    if (step["semantics"]) {
      absl::StatusOr<int> i =
          c_.OneOf(step["semantics"], YamlReader::Join(field, "semantics"),
                   {"anyio3", "asyncio"});
      if (!i.ok()) return i.status();
      s->semantics =
          *i == 0 ? GroupSemantics::kAnyio3 : GroupSemantics::kAsyncio;
    }
    return Tasks(arg, f, s);
  }
  if (op == "try") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"except", "finally"}));
    if (!step["except"] && !step["finally"]) {
      return c_.At(step, field, "a try needs an except or a finally");
    }
    return Try(step, arg, field, s);
  }
  if (op == "suppress") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"steps"}));
    s->op = StepOp::kTry;
    std::vector<std::string> classes;
    SIM_RETURN_IF_ERROR(Classes(arg, f, &classes));
    for (std::string& cls : classes)
      s->handlers.push_back({std::move(cls), {}});
    return body("steps");
  }
  // timeout
  SIM_RETURN_IF_ERROR(Options(step, field, op, {"steps", "on-timeout"}));
  s->op = StepOp::kTimeout;
  absl::StatusOr<sim::Duration> d = c_.Duration(arg, f);
  if (!d.ok()) return d.status();
  s->duration = *d;
  SIM_RETURN_IF_ERROR(body("steps"));
  if (!step["on-timeout"]) return absl::OkStatus();
  return Steps(step["on-timeout"], YamlReader::Join(field, "on-timeout"),
               &s->alt);
}

Status AppParser::Simple(const std::string& op, const YAML::Node& step,
                         const YAML::Node& arg, const std::string& field,
                         models::Step* s) {
  const std::string f = YamlReader::Join(field, op);
  if (op == "send") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"check", "on-undelivered"}));
    return Send(step, arg, field, s);
  }
  if (op == "raise") {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {"message"}));
  } else {
    SIM_RETURN_IF_ERROR(Options(step, field, op, {}));
  }
  if (op == "receive") return Receive(arg, field, s);
  if (op == "poll-disconnect") {
    s->op = StepOp::kPollDisconnect;
  } else if (op == "wait-forever") {
    s->op = StepOp::kWaitForever;
  } else if (op == "return") {
    s->op = StepOp::kReturn;
  } else if (op == "sleep") {
    s->op = StepOp::kSleep;
    absl::StatusOr<sim::Duration> d = c_.Duration(arg, f);
    if (!d.ok()) return d.status();
    s->duration = *d;
  } else if (op == "raise") {
    s->op = StepOp::kRaise;
    absl::StatusOr<std::string> cls = c_.Text(arg, f, "an exception class");
    if (!cls.ok()) return cls.status();
    if (!IsRaisableClass(*cls)) {
      std::vector<std::string> raisable;
      for (const char* n : py::TypeNames()) {
        if (IsRaisableClass(n)) raisable.emplace_back(n);
      }
      return c_.At(arg, f,
                   absl::StrCat("cannot raise '", *cls, "' (expected one of: ",
                                absl::StrJoin(raisable, ", "),
                                "; the scheduler raises CancelledError and "
                                "TimeoutError, a task group its groups)",
                                models::DidYouMean(*cls, raisable)));
    }
    s->class_name = *cls;
    if (step["message"]) {
      absl::StatusOr<std::string> m =
          c_.Text(step["message"], YamlReader::Join(field, "message"), "text");
      if (!m.ok()) return m.status();
      s->text = *m;
    }
  } else if (op == "note") {
    s->op = StepOp::kNote;
    absl::StatusOr<std::string> t = c_.Text(arg, f, "text");
    if (!t.ok()) return t.status();
    s->text = *t;
  } else if (op == "set") {
    s->op = StepOp::kSetFlag;
    absl::StatusOr<std::string> name = c_.Name(arg, f, "a flag name");
    if (!name.ok()) return name.status();
    s->slot = c_.Slot(absl::StrCat("flag:", *name));
  } else {  // mark
    s->op = StepOp::kMark;
    absl::StatusOr<int> i = c_.OneOf(
        arg, f,
        {"cleanup-armed", "cleanup", "background-started", "background-done"});
    if (!i.ok()) return i.status();
    s->mark = static_cast<Mark>(*i);
  }
  return absl::OkStatus();
}

Status AppParser::Step(const YAML::Node& n, const std::string& field,
                       Block* out) {
  std::string op;
  YAML::Node arg;
  SIM_RETURN_IF_ERROR(StepOp(c_, n, field, Ops(), &op, &arg));
  models::Step s;
  static const std::vector<std::string> kComposite = {
      "repeat", "loop-until", "if", "task-group", "try", "suppress", "timeout"};
  if (std::find(kComposite.begin(), kComposite.end(), op) != kComposite.end()) {
    if (!n.IsMap())
      return c_.At(n, field, absl::StrCat("'", op, "' needs a value"));
    const bool reraise_ok = reraise_ok_;
    if (op != "if") reraise_ok_ = false;
    const Status st = Composite(op, n, arg, field, &s);
    reraise_ok_ = reraise_ok;
    SIM_RETURN_IF_ERROR(st);
  } else if (op == "call-app" || op == "reraise" ||
             op == "starlette-base-http") {
    SIM_RETURN_IF_ERROR(MiddlewareStep(op, n, arg, field, &s));
  } else {
    const bool bare_ok = op == "receive" || op == "poll-disconnect" ||
                         op == "wait-forever" || op == "return";
    if (!bare_ok && (!arg || arg.IsNull())) {
      return c_.At(n, YamlReader::Join(field, op), "needs a value");
    }
    SIM_RETURN_IF_ERROR(Simple(op, n, arg, field, &s));
  }
  out->push_back(std::move(s));
  return absl::OkStatus();
}

// call-app, reraise and starlette-base-http: the middleware steps.
Status AppParser::MiddlewareStep(const std::string& op, const YAML::Node& step,
                                 const YAML::Node& arg,
                                 const std::string& field, models::Step* s) {
  const std::string f = YamlReader::Join(field, op);
  if (!middleware_) {
    return c_.At(step, f,
                 absl::StrCat("'", op, "' is a middleware step (expected in a ",
                              kMiddlewareFormat, " program)"));
  }
  SIM_RETURN_IF_ERROR(Options(step, field, op, {}));
  if (op == "call-app") {
    s->op = StepOp::kCallApp;
  } else if (op == "reraise") {
    if (!reraise_ok_) {
      return c_.At(step, f,
                   "a reraise stands only in an except handler's steps");
    }
    s->op = StepOp::kReraise;
  } else {
    s->op = StepOp::kBaseHttp;
    if (arg && !arg.IsNull()) {
      SIM_RETURN_IF_ERROR(
          c_.reader().Keys(arg, f, {"cancel-app-on-disconnect"}));
      if (arg["cancel-app-on-disconnect"]) {
        absl::StatusOr<bool> b =
            c_.Bool(arg["cancel-app-on-disconnect"],
                    YamlReader::Join(f, "cancel-app-on-disconnect"));
        if (!b.ok()) return b.status();
        s->check = *b;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

// format (it must be the kind's, when given), name and description.
absl::Status ReadHeader(const ParseContext& c, const YAML::Node& node,
                        bool middleware, AppProgram* p) {
  const YamlReader& r = c.reader();
  const std::string& root = c.root();
  if (node["format"]) {
    const char* format = middleware ? kMiddlewareFormat : kAppFormat;
    absl::StatusOr<std::string> v =
        r.Scalar(node["format"], YamlReader::Join(root, "format"), format);
    if (!v.ok()) return v.status();
    if (*v != format) {
      return r.At(node["format"], YamlReader::Join(root, "format"),
                  absl::StrCat("expected ", format, ", got '", *v, "'"));
    }
  }
  for (auto [key, out] :
       {std::pair<const char*, std::string*>{"name", &p->name},
        {"description", &p->description}}) {
    if (!node[key]) continue;
    absl::StatusOr<std::string> v =
        r.Scalar(node[key], YamlReader::Join(root, key), "a string");
    if (!v.ok()) return v.status();
    *out = *v;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<AppProgram>> ParseProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides,
    bool middleware) {
  const YamlReader& r = c.reader();
  const std::string& root = c.root();
  std::vector<std::string> keys = {"format",      "name",  "description",
                                   "params",      "steps", "protocol",
                                   "cancellation"};
  if (middleware) keys.resize(5);  // no protocol, no cancellation
  SIM_RETURN_IF_ERROR(r.Keys(node, root, keys));
  SIM_RETURN_IF_ERROR(c.DeclareParams(node["params"], overrides));
  auto p = std::make_shared<AppProgram>();
  SIM_RETURN_IF_ERROR(ReadHeader(c, node, middleware, p.get()));
  p->middleware = middleware;
  if (!node["steps"]) {
    return r.At(node, YamlReader::Join(root, "steps"), "is missing");
  }
  internal::AppParser parser(c, middleware);
  SIM_RETURN_IF_ERROR(
      parser.Steps(node["steps"], YamlReader::Join(root, "steps"), &p->body));
  p->protocol =
      parser.uses_websocket() ? Protocol::kWebSocket : Protocol::kHttp;
  if (node["protocol"]) {
    absl::StatusOr<int> i =
        c.OneOf(node["protocol"], YamlReader::Join(root, "protocol"),
                {"http", "websocket"});
    if (!i.ok()) return i.status();
    p->protocol = *i == 0 ? Protocol::kHttp : Protocol::kWebSocket;
  }
  if (node["cancellation"]) {
    absl::StatusOr<int> i =
        c.OneOf(node["cancellation"], YamlReader::Join(root, "cancellation"),
                {"asyncio", "anyio"});
    if (!i.ok()) return i.status();
    p->level_cancellation = *i == 1;
  }
  p->slots = c.slots();
  return p;
}

}  // namespace

absl::StatusOr<std::shared_ptr<AppProgram>> ParseAppProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides) {
  return ParseProgram(c, node, overrides, /*middleware=*/false);
}

absl::StatusOr<std::shared_ptr<AppProgram>> ParseMiddlewareProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides) {
  return ParseProgram(c, node, overrides, /*middleware=*/true);
}

}  // namespace models::lang
