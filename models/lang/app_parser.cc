// Parses app programs (see program_parser.h and docs/scenario-language.md).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/lang/program_parser.h"
#include "sim/check.h"

namespace models::lang {
namespace {

using Status = absl::Status;

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

class AppParser {
 public:
  explicit AppParser(ParseContext& c) : c_(c) {}

  Status Steps(const YAML::Node& n, const std::string& field, Block* out);
  bool uses_websocket() const { return uses_websocket_; }

 private:
  Status Step(const YAML::Node& n, const std::string& field, Block* out);
  Status Options(const YAML::Node& n, const std::string& field,
                 const std::string& op, std::vector<std::string> allowed) const;
  Status Send(const YAML::Node& step, const YAML::Node& arg,
              const std::string& field, models::Step* s);
  Status Receive(const YAML::Node& arg, const std::string& field,
                 models::Step* s) const;
  Status Int(const YAML::Node& n, const std::string& field, Value* out) const;
  Status Cond(const YAML::Node& n, const std::string& field, Condition* out);
  Status CondKey(const std::string& key, const YAML::Node& v,
                 const std::string& field, Condition* out);
  Status Tasks(const YAML::Node& n, const std::string& field, models::Step* s);
  Status Try(const YAML::Node& step, const YAML::Node& arg,
             const std::string& field, models::Step* s);
  Status Classes(const YAML::Node& n, const std::string& field,
                 std::vector<std::string>* out) const;
  Status Blocks(const std::string& op, const YAML::Node& step,
                const YAML::Node& arg, const std::string& field,
                models::Step* s);
  Status Composite(const std::string& op, const YAML::Node& step,
                   const YAML::Node& arg, const std::string& field,
                   models::Step* s);
  Status Simple(const std::string& op, const YAML::Node& step,
                const YAML::Node& arg, const std::string& field,
                models::Step* s);

  ParseContext& c_;
  bool uses_websocket_ = false;
};

const std::vector<std::string>& Ops() {
  static const std::vector<std::string> kOps = {
      "send",       "receive",      "poll-disconnect",
      "sleep",      "wait-forever", "repeat",
      "loop-until", "if",           "task-group",
      "try",        "suppress",     "timeout",
      "raise",      "return",       "note",
      "set",        "mark"};
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

Status AppParser::CondKey(const std::string& key, const YAML::Node& v,
                          const std::string& field, Condition* out) {
  const std::string f = YamlReader::Join(field, key);
  static const std::vector<std::pair<std::string, CondKind>> kBools = {
      {"more-body", CondKind::kMoreBody},
      {"disconnected", CondKind::kDisconnected},
      {"undelivered", CondKind::kUndelivered},
      {"send-raised", CondKind::kSendRaised}};
  for (const auto& [name, kind] : kBools) {
    if (key != name) continue;
    absl::StatusOr<bool> b = c_.Bool(v, f);
    if (!b.ok()) return b.status();
    out->kind = kind;
    out->flag = *b;
    return absl::OkStatus();
  }
  if (key == "received") {
    absl::StatusOr<MessageType> t = ReadMessageType(c_, v, f);
    if (!t.ok()) return t.status();
    out->kind = CondKind::kReceived;
    out->type = *t;
  } else if (key == "elapsed") {
    absl::StatusOr<sim::Duration> d = c_.Duration(v, f);
    if (!d.ok()) return d.status();
    out->kind = CondKind::kElapsed;
    out->duration = *d;
  } else if (key == "spec-version-at-least") {
    absl::StatusOr<int> i =
        c_.OneOf(v, f, {"2.0", "2.1", "2.2", "2.3", "2.4", "2.5"});
    if (!i.ok()) return i.status();
    out->kind = CondKind::kSpecAtLeast;
    out->number = 20 + *i;
  } else if (key == "scope-type") {
    absl::StatusOr<int> i = c_.OneOf(v, f, {"http", "websocket"});
    if (!i.ok()) return i.status();
    out->kind = CondKind::kScopeType;
    out->protocol = *i == 0 ? Protocol::kHttp : Protocol::kWebSocket;
  } else if (key == "flag") {
    absl::StatusOr<std::string> name = c_.Text(v, f, "a flag name");
    if (!name.ok()) return name.status();
    out->kind = CondKind::kFlag;
    out->slot = c_.Slot(absl::StrCat("flag:", *name));
  } else if (key == "all" || key == "any") {
    if (!v.IsSequence()) return c_.At(v, f, "expected a list of conditions");
    out->kind = key == "all" ? CondKind::kAll : CondKind::kAny;
    for (size_t i = 0; i < v.size(); ++i) {
      out->children.emplace_back();
      SIM_RETURN_IF_ERROR(
          Cond(v[i], absl::StrCat(f, "[", i, "]"), &out->children.back()));
    }
  } else {  // "not"
    out->kind = CondKind::kNot;
    out->children.emplace_back();
    SIM_RETURN_IF_ERROR(Cond(v, f, &out->children.back()));
  }
  return absl::OkStatus();
}

Status AppParser::Cond(const YAML::Node& n, const std::string& field,
                       Condition* out) {
  static const std::vector<std::string> kKeys = {"received",
                                                 "more-body",
                                                 "disconnected",
                                                 "undelivered",
                                                 "send-raised",
                                                 "elapsed",
                                                 "spec-version-at-least",
                                                 "scope-type",
                                                 "flag",
                                                 "all",
                                                 "any",
                                                 "not"};
  if (n.IsScalar()) {  // "disconnected" for {disconnected: true}
    for (const char* key : {"disconnected", "undelivered", "send-raised"}) {
      if (n.Scalar() == key) {
        return CondKey(key, YAML::Node("true"), field, out);
      }
    }
  }
  if (!n.IsMap() || n.size() != 1) {
    return c_.At(n, field,
                 absl::StrCat("expected a condition: a map with one of ",
                              absl::StrJoin(kKeys, ", "),
                              " (or disconnected, undelivered, send-raised)"));
  }
  SIM_RETURN_IF_ERROR(c_.reader().Keys(n, field, kKeys));
  const YAML::Node key = n.begin()->first;
  const YAML::Node value = n.begin()->second;
  return CondKey(key.Scalar(), value, field, out);
}

Status AppParser::Tasks(const YAML::Node& n, const std::string& field,
                        models::Step* s) {
  if (!n.IsSequence() || n.size() == 0) {
    return c_.At(n, field, "expected a list of tasks ({name, steps})");
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    SIM_RETURN_IF_ERROR(
        c_.reader().Keys(n[i], f, {"name", "steps", "cancel-group-when-done"}));
    TaskSpec t;
    t.name = absl::StrCat("task-", i);
    if (n[i]["name"]) {
      absl::StatusOr<std::string> name =
          c_.Text(n[i]["name"], YamlReader::Join(f, "name"), "a task name");
      if (!name.ok()) return name.status();
      t.name = *name;
    }
    if (n[i]["cancel-group-when-done"]) {
      absl::StatusOr<bool> b =
          c_.Bool(n[i]["cancel-group-when-done"],
                  YamlReader::Join(f, "cancel-group-when-done"));
      if (!b.ok()) return b.status();
      t.cancel_group_when_done = *b;
    }
    if (!n[i]["steps"]) {
      return c_.At(n[i], YamlReader::Join(f, "steps"), "is missing");
    }
    SIM_RETURN_IF_ERROR(
        Steps(n[i]["steps"], YamlReader::Join(f, "steps"), &t.body));
    s->tasks.push_back(std::move(t));
  }
  return absl::OkStatus();
}

Status AppParser::Classes(const YAML::Node& n, const std::string& field,
                          std::vector<std::string>* out) const {
  auto one = [&](const YAML::Node& node, const std::string& f) -> Status {
    absl::StatusOr<std::string> name = c_.Text(node, f, "an exception class");
    if (!name.ok()) return name.status();
    if (!IsCatchableClass(*name)) {
      return c_.At(node, f,
                   absl::StrCat("unknown exception class '", *name,
                                "' (expected one of: ",
                                absl::StrJoin(py::TypeNames(), ", "), ")"));
    }
    out->push_back(*name);
    return absl::OkStatus();
  };
  if (!n.IsSequence()) return one(n, field);
  for (size_t i = 0; i < n.size(); ++i) {
    SIM_RETURN_IF_ERROR(one(n[i], absl::StrCat(field, "[", i, "]")));
  }
  return absl::OkStatus();
}

Status AppParser::Try(const YAML::Node& step, const YAML::Node& arg,
                      const std::string& field, models::Step* s) {
  s->op = StepOp::kTry;
  SIM_RETURN_IF_ERROR(Steps(arg, YamlReader::Join(field, "try"), &s->body));
  if (const YAML::Node ex = step["except"]) {
    const std::string f = YamlReader::Join(field, "except");
    if (!ex.IsSequence()) {
      return c_.At(ex, f, "expected a list of {class, steps}");
    }
    for (size_t i = 0; i < ex.size(); ++i) {
      const std::string fi = absl::StrCat(f, "[", i, "]");
      SIM_RETURN_IF_ERROR(c_.reader().Keys(ex[i], fi, {"class", "steps"}));
      if (!ex[i]["class"]) {
        return c_.At(ex[i], YamlReader::Join(fi, "class"), "is missing");
      }
      std::vector<std::string> classes;
      SIM_RETURN_IF_ERROR(
          Classes(ex[i]["class"], YamlReader::Join(fi, "class"), &classes));
      Block body;
      if (ex[i]["steps"]) {
        SIM_RETURN_IF_ERROR(
            Steps(ex[i]["steps"], YamlReader::Join(fi, "steps"), &body));
      }
      for (std::string& cls : classes) {
        s->handlers.push_back(Handler{std::move(cls), body});
      }
    }
  }
  if (step["finally"]) {
    SIM_RETURN_IF_ERROR(
        Steps(step["finally"], YamlReader::Join(field, "finally"), &s->alt));
  }
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
          c_.Text(step["as"], YamlReader::Join(field, "as"), "a counter name");
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
      return c_.At(
          arg, f,
          absl::StrCat("cannot raise '", *cls, "' (expected a class of: ",
                       absl::StrJoin(py::TypeNames(), ", "),
                       "; not CancelledError, TimeoutError or a "
                       "group)"));
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
    absl::StatusOr<std::string> name = c_.Text(arg, f, "a flag name");
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
    SIM_RETURN_IF_ERROR(Composite(op, n, arg, field, &s));
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

}  // namespace

absl::StatusOr<std::shared_ptr<AppProgram>> ParseAppProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides) {
  const YamlReader& r = c.reader();
  const std::string& root = c.root();
  SIM_RETURN_IF_ERROR(r.Keys(node, root,
                             {"format", "name", "description", "protocol",
                              "params", "cancellation", "steps"}));
  SIM_RETURN_IF_ERROR(c.DeclareParams(node["params"], overrides));
  auto p = std::make_shared<AppProgram>();
  for (auto [key, out] :
       {std::pair<const char*, std::string*>{"name", &p->name},
        {"description", &p->description}}) {
    if (!node[key]) continue;
    absl::StatusOr<std::string> v =
        r.Scalar(node[key], YamlReader::Join(root, key), "a string");
    if (!v.ok()) return v.status();
    *out = *v;
  }
  if (!node["steps"]) {
    return r.At(node, YamlReader::Join(root, "steps"), "is missing");
  }
  AppParser parser(c);
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

}  // namespace models::lang
