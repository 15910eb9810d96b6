// Parses client programs (see program_parser.h and
// docs/scenario-language.md).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "models/lang/program_parser.h"
#include "sim/check.h"

namespace models::lang {
namespace {

using Status = absl::Status;

const std::vector<std::string> kCloseNames = {"fin", "rst", "frame"};
constexpr ClientCloseKind kCloseKinds[] = {
    ClientCloseKind::kFin, ClientCloseKind::kRst, ClientCloseKind::kCloseFrame};

class ClientParser {
 public:
  explicit ClientParser(ParseContext& c) : c_(c) {}
  Status Steps(const YAML::Node& n, const std::string& field, ClientBlock* out);
  bool uses_websocket() const { return uses_websocket_; }

 private:
  Status Step(const YAML::Node& n, const std::string& field, ClientBlock* out);
  Status Request(const YAML::Node& arg, const std::string& f, ClientStep* s);
  Status Read(const YAML::Node& arg, const std::string& f, ClientStep* s);
  Status Close(const YAML::Node& step, const YAML::Node& arg,
               const std::string& field, ClientStep* s);
  Status Draw(const YAML::Node& step, const YAML::Node& arg,
              const std::string& field, ClientStep* s);
  Status If(const YAML::Node& step, const YAML::Node& arg,
            const std::string& field, ClientStep* s);
  Status Count(const YAML::Node& n, const std::string& f, int64_t* out) const;
  Status DrawnRef(const YAML::Node& n, const std::string& f, bool delay,
                  int16_t* var) const;

  ParseContext& c_;
  bool uses_websocket_ = false;
  std::map<int16_t, bool> drawn_delay_;  // a drawn value's slot: a delay?
};

const std::vector<std::string>& Ops() {
  static const std::vector<std::string> kOps = {
      "request",   "upgrade", "read", "sleep", "stall", "half-close",
      "close-tcp", "close",   "draw", "if",    "return"};
  return kOps;
}

Status ClientParser::Steps(const YAML::Node& n, const std::string& field,
                           ClientBlock* out) {
  SIM_RETURN_IF_ERROR(ExpectList(c_, n, field));
  for (size_t i = 0; i < n.size(); ++i) {
    SIM_RETURN_IF_ERROR(Step(n[i], absl::StrCat(field, "[", i, "]"), out));
  }
  return absl::OkStatus();
}

Status ClientParser::Count(const YAML::Node& n, const std::string& f,
                           int64_t* out) const {
  absl::StatusOr<std::string> text = c_.Text(n, f, "a count or all");
  if (!text.ok()) return text.status();
  if (*text == "all") {
    *out = -1;
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> v = c_.Int(n, f, 0, 1'000'000);
  if (!v.ok()) {
    return c_.At(n, f,
                 absl::StrCat("expected a count from 0 to 1000000, or all, "
                              "got '",
                              *text, "'"));
  }
  *out = *v;
  return absl::OkStatus();
}

// "$name" for a value drawn earlier: its slot in *var, checked to be a
// delay (or a close kind); anything else leaves *var at -1.
Status ClientParser::DrawnRef(const YAML::Node& n, const std::string& f,
                              bool delay, int16_t* var) const {
  if (!n.IsScalar()) return absl::OkStatus();
  const int16_t slot = c_.SlotRef(n.Scalar());
  if (slot < 0) return absl::OkStatus();
  auto it = drawn_delay_.find(slot);
  if (it == drawn_delay_.end() || it->second != delay) {
    return c_.At(n, f,
                 absl::StrCat("'", n.Scalar(), "' is not a ",
                              delay ? "delay" : "close kind",
                              " drawn earlier (expected a draw with ",
                              delay ? "delays" : "closes", ": [...])"));
  }
  *var = slot;
  return absl::OkStatus();
}

Status ClientParser::Request(const YAML::Node& arg, const std::string& f,
                             ClientStep* s) {
  s->op = ClientOp::kRequest;
  if (!arg || arg.IsNull()) return absl::OkStatus();
  SIM_RETURN_IF_ERROR(
      c_.reader().Keys(arg, f, {"complete", "head-bytes", "body-bytes"}));
  if (arg["complete"]) {
    absl::StatusOr<bool> b =
        c_.Bool(arg["complete"], YamlReader::Join(f, "complete"));
    if (!b.ok()) return b.status();
    s->complete = *b;
  }
  for (auto [key, out] :
       {std::pair<const char*, uint32_t*>{"head-bytes", &s->head_bytes},
        {"body-bytes", &s->body_bytes}}) {
    if (!arg[key]) continue;
    absl::StatusOr<int64_t> v =
        c_.Int(arg[key], YamlReader::Join(f, key), 1, 1 << 30);
    if (!v.ok()) return v.status();
    *out = static_cast<uint32_t>(*v);
  }
  return absl::OkStatus();
}

Status ClientParser::Read(const YAML::Node& arg, const std::string& f,
                          ClientStep* s) {
  s->op = ClientOp::kRead;
  SIM_RETURN_IF_ERROR(c_.reader().Keys(
      arg, f,
      {"body-chunks", "gap", "messages", "idle-timeout", "until", "for"}));
  auto duration = [&](const char* key, sim::Duration* out) -> Status {
    if (!arg[key]) return absl::OkStatus();
    absl::StatusOr<sim::Duration> d =
        c_.Duration(arg[key], YamlReader::Join(f, key));
    if (!d.ok()) return d.status();
    *out = *d;
    return absl::OkStatus();
  };
  if (arg["body-chunks"]) {
    s->mode = ReadMode::kBodyChunks;
    SIM_RETURN_IF_ERROR(Count(arg["body-chunks"],
                              YamlReader::Join(f, "body-chunks"), &s->count));
    return duration("gap", &s->gap);
  }
  if (arg["messages"]) {
    uses_websocket_ = true;
    s->mode = ReadMode::kMessages;
    SIM_RETURN_IF_ERROR(
        Count(arg["messages"], YamlReader::Join(f, "messages"), &s->count));
    s->idle_timeout = sim::Millis(200);
    return duration("idle-timeout", &s->idle_timeout);
  }
  if (!arg["until"] || !arg["for"]) {
    return c_.At(arg, f,
                 "expected {body-chunks: N}, {messages: N} or "
                 "{until: final-body|close-frame|nothing, for: DURATION}");
  }
  s->mode = ReadMode::kUntil;
  absl::StatusOr<int> stop =
      c_.OneOf(arg["until"], YamlReader::Join(f, "until"),
               {"final-body", "close-frame", "nothing"});
  if (!stop.ok()) return stop.status();
  s->stop = static_cast<ReadStop>(*stop);
  if (*stop == 1) uses_websocket_ = true;
  SIM_RETURN_IF_ERROR(DrawnRef(arg["for"], YamlReader::Join(f, "for"),
                               /*delay=*/true, &s->var));
  if (s->var >= 0) return absl::OkStatus();
  return duration("for", &s->duration);
}

Status ClientParser::Close(const YAML::Node& step, const YAML::Node& arg,
                           const std::string& field, ClientStep* s) {
  const std::string f = YamlReader::Join(field, "close");
  s->op = ClientOp::kClose;
  SIM_RETURN_IF_ERROR(DrawnRef(arg, f, /*delay=*/false, &s->var));
  if (s->var < 0) {
    absl::StatusOr<int> kind = c_.OneOf(arg, f, kCloseNames);
    if (!kind.ok()) return kind.status();
    s->kind = kCloseKinds[*kind];
    if (s->kind == ClientCloseKind::kCloseFrame) uses_websocket_ = true;
  }
  if (const YAML::Node code = step["code"]) {
    if (code.IsScalar() && code.Scalar() == "echo") {
      s->echo_code = true;
    } else {
      absl::StatusOr<int64_t> v =
          c_.Int(code, YamlReader::Join(field, "code"), 1000, 4999);
      if (!v.ok()) return v.status();
      s->code = static_cast<int32_t>(*v);
    }
  }
  if (step["reason"]) {
    absl::StatusOr<std::string> reason =
        c_.Text(step["reason"], YamlReader::Join(field, "reason"), "text");
    if (!reason.ok()) return reason.status();
    if (reason->size() > 123) {  // RFC 6455 5.5: control frames <= 125 bytes
      return c_.At(step["reason"], YamlReader::Join(field, "reason"),
                   "expected at most 123 bytes (RFC 6455 section 5.5)");
    }
    s->reason = *reason;
  }
  if (step["await-reply"]) {
    absl::StatusOr<bool> b =
        c_.Bool(step["await-reply"], YamlReader::Join(field, "await-reply"));
    if (!b.ok()) return b.status();
    s->await_reply = *b;
  }
  return absl::OkStatus();
}

Status ClientParser::Draw(const YAML::Node& step, const YAML::Node& arg,
                          const std::string& field, ClientStep* s) {
  s->op = ClientOp::kDraw;
  absl::StatusOr<std::string> name =
      c_.Name(arg, YamlReader::Join(field, "draw"), "a name for the value");
  if (!name.ok()) return name.status();
  s->var = c_.Slot(*name);
  const bool delays = static_cast<bool>(step["delays"]);
  const bool closes = static_cast<bool>(step["closes"]);
  drawn_delay_[s->var] = delays;
  if (delays == closes) {
    return c_.At(step, field,
                 "a draw needs one of delays: [DURATION, ...] or closes: "
                 "[fin, rst, frame]");
  }
  const std::string f = YamlReader::Join(field, delays ? "delays" : "closes");
  const YAML::Node list = delays ? step["delays"] : step["closes"];
  if (!list.IsSequence() || list.size() < 1 || list.size() > 256) {
    return c_.At(
        list, f,
        absl::StrCat("expected a list of 1 to 256 values, got ",
                     list.IsSequence() ? absl::StrCat(list.size(), " values")
                                       : YamlReader::KindName(list)));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string fi = absl::StrCat(f, "[", i, "]");
    if (delays) {
      absl::StatusOr<sim::Duration> d = c_.Duration(list[i], fi);
      if (!d.ok()) return d.status();
      s->draw.delays.push_back(*d);
    } else {
      absl::StatusOr<int> k = c_.OneOf(list[i], fi, kCloseNames);
      if (!k.ok()) return k.status();
      s->draw.closes.push_back(kCloseKinds[*k]);
    }
  }
  return absl::OkStatus();
}

Status ClientParser::If(const YAML::Node& step, const YAML::Node& arg,
                        const std::string& field, ClientStep* s) {
  s->op = ClientOp::kIf;
  static const std::vector<std::string> kConds = {
      "server-closed",     "accepted",     "got-final-body",
      "not-server-closed", "not-accepted", "not-got-final-body"};
  absl::StatusOr<int> i = c_.OneOf(arg, YamlReader::Join(field, "if"), kConds);
  if (!i.ok()) return i.status();
  s->cond = static_cast<ClientCond>(*i % 3);
  s->negate = *i >= 3;
  if (!step["then"]) {
    return c_.At(step, YamlReader::Join(field, "then"), "is missing");
  }
  SIM_RETURN_IF_ERROR(
      Steps(step["then"], YamlReader::Join(field, "then"), &s->body));
  if (!step["else"]) return absl::OkStatus();
  return Steps(step["else"], YamlReader::Join(field, "else"), &s->alt);
}

Status ClientParser::Step(const YAML::Node& n, const std::string& field,
                          ClientBlock* out) {
  std::string op;
  YAML::Node arg;
  SIM_RETURN_IF_ERROR(StepOp(c_, n, field, Ops(), &op, &arg));
  std::vector<std::string> allowed = {op};
  if (op == "close") allowed = {op, "code", "reason", "await-reply"};
  if (op == "draw") allowed = {op, "delays", "closes"};
  if (op == "if") allowed = {op, "then", "else"};
  if (n.IsMap()) SIM_RETURN_IF_ERROR(c_.reader().Keys(n, field, allowed));
  const std::string f = YamlReader::Join(field, op);
  const bool bare_ok = op == "request" || op == "upgrade" ||
                       op == "half-close" || op == "close-tcp" ||
                       op == "return";
  if (!bare_ok && (!arg || arg.IsNull())) return c_.At(n, f, "needs a value");
  ClientStep s;
  if (op == "request") {
    SIM_RETURN_IF_ERROR(Request(arg, f, &s));
  } else if (op == "upgrade") {
    uses_websocket_ = true;
    s.op = ClientOp::kUpgrade;
    s.head_bytes = 160;
  } else if (op == "read") {
    SIM_RETURN_IF_ERROR(Read(arg, f, &s));
  } else if (op == "sleep" || op == "stall") {
    s.op = ClientOp::kSleep;
    SIM_RETURN_IF_ERROR(DrawnRef(arg, f, /*delay=*/true, &s.var));
    if (s.var >= 0) {
      out->push_back(std::move(s));
      return absl::OkStatus();
    }
    absl::StatusOr<sim::Duration> d = c_.Duration(arg, f);
    if (!d.ok()) return d.status();
    s.duration = *d;
  } else if (op == "half-close") {
    s.op = ClientOp::kHalfClose;
  } else if (op == "close-tcp") {
    s.op = ClientOp::kCloseTcp;
  } else if (op == "close") {
    SIM_RETURN_IF_ERROR(Close(n, arg, field, &s));
  } else if (op == "draw") {
    SIM_RETURN_IF_ERROR(Draw(n, arg, field, &s));
  } else if (op == "if") {
    SIM_RETURN_IF_ERROR(If(n, arg, field, &s));
  } else {
    s.op = ClientOp::kReturn;
  }
  out->push_back(std::move(s));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<ClientProgram>> ParseClientProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides) {
  const YamlReader& r = c.reader();
  const std::string& root = c.root();
  SIM_RETURN_IF_ERROR(
      r.Keys(node, root,
             {"format", "name", "description", "protocol", "params", "steps"}));
  SIM_RETURN_IF_ERROR(c.DeclareParams(node["params"], overrides));
  auto p = std::make_shared<ClientProgram>();
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
  ClientParser parser(c);
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
  p->vars = c.slots();
  return p;
}

}  // namespace models::lang
