// The app program parser: conditions, task groups, try/except and the
// classes they name (see app_parser.h).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/asgi/py_exceptions.h"
#include "models/asgi/suggest.h"
#include "models/lang/app_parser.h"
#include "models/lang/program_parser.h"
#include "sim/check.h"

namespace models::lang::internal {
namespace {

std::vector<std::string> ClassNames() {
  const auto names = py::TypeNames();
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace

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
  if (key == "app-sent") {
    if (!middleware_) {
      return c_.At(v, f,
                   absl::StrCat("app-sent is a middleware condition (expected "
                                "in a ",
                                kMiddlewareFormat, " program)"));
    }
    absl::StatusOr<MessageType> t = ReadMessageType(c_, v, f);
    if (!t.ok()) return t.status();
    out->kind = CondKind::kAppSent;
    out->type = *t;
  } else if (key == "received") {
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
    absl::StatusOr<std::string> name = c_.Name(v, f, "a flag name");
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
                                                 "app-sent",
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
    const std::vector<std::string> bare = {"disconnected", "undelivered",
                                           "send-raised"};
    return c_.At(
        n, field,
        absl::StrCat("expected a condition: a map with one of ",
                     absl::StrJoin(kKeys, ", "),
                     " (or disconnected, undelivered, send-raised), got ",
                     n.IsMap() ? absl::StrCat("a map of ", n.size(), " keys")
                               : YamlReader::KindName(n),
                     n.IsScalar() ? models::DidYouMean(n.Scalar(), bare)
                                  : std::string()));
  }
  SIM_RETURN_IF_ERROR(c_.reader().Keys(n, field, kKeys));
  const YAML::Node key = n.begin()->first;
  const YAML::Node value = n.begin()->second;
  return CondKey(key.Scalar(), value, field, out);
}

Status AppParser::Tasks(const YAML::Node& n, const std::string& field,
                        models::Step* s) {
  if (!n.IsSequence() || n.size() == 0) {
    return c_.At(n, field,
                 absl::StrCat("expected a list of one or more tasks ({name, "
                              "steps}), got ",
                              n.IsSequence() ? "an empty list"
                                             : YamlReader::KindName(n)));
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
                                absl::StrJoin(py::TypeNames(), ", "), ")",
                                models::DidYouMean(*name, ClassNames())));
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
        reraise_ok_ = true;  // a bare `raise` may end the handler
        const Status st =
            Steps(ex[i]["steps"], YamlReader::Join(fi, "steps"), &body);
        reraise_ok_ = false;
        SIM_RETURN_IF_ERROR(st);
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

}  // namespace models::lang::internal
