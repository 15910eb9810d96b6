#include "models/lang/parse_context.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/asgi/suggest.h"
#include "models/server/policy.h"

namespace models::lang {

absl::Status ParseContext::DeclareParams(const YAML::Node& params,
                                         const Params& overrides) {
  const std::string field = YamlReader::Join(root_, "params");
  if (params && !params.IsNull()) {
    if (!params.IsMap()) {
      return r_.At(params, field,
                   absl::StrCat("expected a map of name: default value, got ",
                                YamlReader::KindName(params)));
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (!key.IsScalar()) {
        return r_.At(key, field, "keys must be plain names");
      }
      if (!value.IsScalar()) {
        return r_.At(value, YamlReader::Join(field, key.Scalar()),
                     absl::StrCat("expected a default value (a number, a "
                                  "duration or a name), got ",
                                  YamlReader::KindName(value)));
      }
      params_.emplace_back(key.Scalar(), value.Scalar());
    }
  }
  for (const auto& [name, value] : overrides) {
    const std::string& wanted = name;
    auto it = std::find_if(params_.begin(), params_.end(),
                           [&](const auto& p) { return p.first == wanted; });
    if (it == params_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parameter '", name, "' is unknown (expected one of: ",
          params_.empty() ? std::string("none, this program has no parameters")
                          : ParamsDoc(),
          ")"));
    }
    it->second = value;
  }
  return absl::OkStatus();
}

std::string ParseContext::ParamsDoc() const {
  return absl::StrJoin(params_, ", ", [](std::string* out, const auto& p) {
    absl::StrAppend(out, p.first, "=", p.second.empty() ? "''" : p.second);
  });
}

absl::StatusOr<std::string> ParseContext::Name(const YAML::Node& n,
                                               absl::string_view field,
                                               absl::string_view what) const {
  absl::StatusOr<std::string> name = Text(n, field, what);
  if (!name.ok()) return name;
  bool ok =
      !name->empty() && (absl::ascii_isalpha((*name)[0]) || (*name)[0] == '_');
  for (char ch : *name) {
    ok = ok && (absl::ascii_isalnum(ch) || ch == '_' || ch == '-');
  }
  if (ok) return name;
  return r_.At(n, field,
               absl::StrCat("expected ", what,
                            " (letters, digits, _ and -, starting with a "
                            "letter or _), got '",
                            *name, "'"));
}

absl::StatusOr<std::string> ParseContext::Text(
    const YAML::Node& n, absl::string_view field,
    absl::string_view expected) const {
  absl::StatusOr<std::string> text = r_.Scalar(n, field, expected);
  if (!text.ok() || text->empty() || (*text)[0] != '$') return text;
  const std::string name = text->substr(1);
  for (const auto& [p, value] : params_) {
    if (p == name) return value;
  }
  if (slots_.count(name) != 0) return text;  // a counter: the caller's
  return r_.At(
      n, field,
      absl::StrCat("'", *text, "' names no parameter, counter or drawn value",
                   params_.empty()
                       ? std::string()
                       : absl::StrCat(" (parameters: ", ParamsDoc(), ")")));
}

absl::StatusOr<int64_t> ParseContext::Int(const YAML::Node& n,
                                          absl::string_view field, int64_t min,
                                          int64_t max) const {
  const std::string expected =
      absl::StrCat("an integer from ", min, " to ", max);
  absl::StatusOr<std::string> text = Text(n, field, expected);
  if (!text.ok()) return text.status();
  int64_t v = 0;
  if (!absl::SimpleAtoi(*text, &v) || v < min || v > max) {
    return r_.At(n, field,
                 absl::StrCat("expected ", expected, ", got '", *text, "'"));
  }
  return v;
}

absl::StatusOr<bool> ParseContext::Bool(const YAML::Node& n,
                                        absl::string_view field) const {
  absl::StatusOr<std::string> text = Text(n, field, "true or false");
  if (!text.ok()) return text.status();
  if (*text == "true") return true;
  if (*text == "false") return false;
  return r_.At(n, field,
               absl::StrCat("expected true or false, got '", *text, "'"));
}

absl::StatusOr<sim::Duration> ParseContext::Duration(
    const YAML::Node& n, absl::string_view field) const {
  absl::StatusOr<std::string> text =
      Text(n, field, "a duration like 500ms or 2s");
  if (!text.ok()) return text.status();
  std::optional<sim::Duration> d = ParseDuration(*text);
  if (!d) {
    return r_.At(n, field,
                 absl::StrCat("expected a duration like 500ms or 2s, got '",
                              *text, "'"));
  }
  return *d;
}

absl::StatusOr<int> ParseContext::OneOf(
    const YAML::Node& n, absl::string_view field,
    const std::vector<std::string>& names) const {
  const std::string expected =
      absl::StrCat("one of ", absl::StrJoin(names, ", "));
  absl::StatusOr<std::string> text = Text(n, field, expected);
  if (!text.ok()) return text.status();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *text) return static_cast<int>(i);
  }
  return r_.At(n, field,
               absl::StrCat("expected ", expected, ", got '", *text, "'",
                            models::DidYouMean(*text, names)));
}

int16_t ParseContext::Slot(const std::string& name) {
  auto [it, inserted] =
      slots_.emplace(name, static_cast<int16_t>(slots_.size()));
  return it->second;
}

int16_t ParseContext::Lookup(const std::string& name) const {
  auto it = slots_.find(name);
  return it == slots_.end() ? -1 : it->second;
}

int16_t ParseContext::SlotRef(absl::string_view text) const {
  if (text.empty() || text[0] != '$') return -1;
  return Lookup(std::string(text.substr(1)));
}

absl::Status ExpectList(const ParseContext& c, const YAML::Node& n,
                        absl::string_view field) {
  if (n.IsSequence()) return absl::OkStatus();
  return c.At(
      n, field,
      absl::StrCat("expected a list of steps, got ", YamlReader::KindName(n)));
}

absl::Status StepOp(const ParseContext& c, const YAML::Node& step,
                    absl::string_view field,
                    const std::vector<std::string>& ops, std::string* op,
                    YAML::Node* arg) {
  const std::string expected =
      absl::StrCat("a step (one of: ", absl::StrJoin(ops, ", "), ")");
  if (step.IsScalar()) {
    if (std::find(ops.begin(), ops.end(), step.Scalar()) == ops.end()) {
      return c.At(step, field,
                  absl::StrCat("expected ", expected, ", got '", step.Scalar(),
                               "'", models::DidYouMean(step.Scalar(), ops)));
    }
    *op = step.Scalar();
    *arg = YAML::Node();
    return absl::OkStatus();
  }
  if (!step.IsMap()) {
    return c.At(step, field,
                absl::StrCat("expected ", expected, ", got ",
                             YamlReader::KindName(step)));
  }
  // The keys that name a step: exactly one (the others are its options).
  std::vector<std::string> found;
  std::vector<std::string> keys;
  for (auto it = step.begin(); it != step.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) return c.At(key, field, "keys must be plain names");
    keys.push_back(key.Scalar());
    if (std::find(ops.begin(), ops.end(), key.Scalar()) != ops.end()) {
      found.push_back(key.Scalar());
    }
  }
  if (found.size() > 1) {
    return c.At(step, field,
                absl::StrCat("one step per list entry, got '",
                             absl::StrJoin(found, "' and '"),
                             "' (write each as its own - entry)"));
  }
  if (found.empty()) {
    std::string hint;
    for (const std::string& k : keys) {
      if (hint.empty()) hint = models::DidYouMean(k, ops);
    }
    return c.At(step, field,
                absl::StrCat("expected ", expected, ", got a map with '",
                             absl::StrJoin(keys, "', '"), "'", hint));
  }
  *op = found[0];
  *arg = step[*op];
  return absl::OkStatus();
}

namespace {

constexpr MessageType kAllTypes[] = {MessageType::kHttpRequest,
                                     MessageType::kHttpDisconnect,
                                     MessageType::kWsConnect,
                                     MessageType::kWsReceive,
                                     MessageType::kWsDisconnect,
                                     MessageType::kHttpResponseStart,
                                     MessageType::kHttpResponseBody,
                                     MessageType::kWsAccept,
                                     MessageType::kWsSend,
                                     MessageType::kWsClose,
                                     MessageType::kBogus};

}  // namespace

std::vector<std::string> MessageTypeNames() {
  std::vector<std::string> out;
  for (MessageType t : kAllTypes) out.emplace_back(MessageTypeName(t));
  return out;
}

absl::StatusOr<MessageType> ReadMessageType(const ParseContext& c,
                                            const YAML::Node& n,
                                            absl::string_view field) {
  absl::StatusOr<int> i = c.OneOf(n, field, MessageTypeNames());
  if (!i.ok()) return i.status();
  return kAllTypes[*i];
}

}  // namespace models::lang
