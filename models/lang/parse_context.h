// What the app and client program parsers share: the program's parameters
// (declared with defaults under `params`, overridden by the user), the
// substitution of `$name` scalars, and the names a program gives to loop
// counters, flags and drawn values, each resolved to a slot when parsed.
//
//   ParseContext c(reader, "app");
//   SIM_RETURN_IF_ERROR(c.DeclareParams(node["params"], overrides));
//   absl::StatusOr<std::string> text = c.Text(node["code"], "app.code", "a
//   code");
//
// Thread-safety: one parse, one thread.
#ifndef HANGUP_MODELS_LANG_PARSE_CONTEXT_H_
#define HANGUP_MODELS_LANG_PARSE_CONTEXT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "models/asgi/asgi.h"
#include "models/lang/yaml_reader.h"
#include "sim/time.h"
#include "yaml-cpp/yaml.h"

namespace models::lang {

// Parameter values given by the user: ("code", "4001"), ...
using Params = std::vector<std::pair<std::string, std::string>>;

class ParseContext {
 public:
  ParseContext(const YamlReader& reader, std::string field)
      : r_(reader), root_(std::move(field)) {}

  const YamlReader& reader() const { return r_; }
  const std::string& root() const { return root_; }

  // Reads `params` (a map of name: default value, or nothing) and applies
  // `overrides`; an override of an undeclared parameter is an error.
  absl::Status DeclareParams(const YAML::Node& params, const Params& overrides);
  // The parameter names, in order ("code=1000, reason=''").
  std::string ParamsDoc() const;
  // The parameters with their values (defaults, overridden).
  const Params& params() const { return params_; }

  // A scalar with `$param` replaced by the parameter's value.
  absl::StatusOr<std::string> Text(const YAML::Node& n, absl::string_view field,
                                   absl::string_view expected) const;
  // A name that `$name` can refer to: letters, digits, '_' and '-', starting
  // with a letter or '_'. `what` says what it names ("a counter name").
  absl::StatusOr<std::string> Name(const YAML::Node& n, absl::string_view field,
                                   absl::string_view what) const;
  absl::StatusOr<int64_t> Int(const YAML::Node& n, absl::string_view field,
                              int64_t min, int64_t max) const;
  absl::StatusOr<bool> Bool(const YAML::Node& n, absl::string_view field) const;
  absl::StatusOr<sim::Duration> Duration(const YAML::Node& n,
                                         absl::string_view field) const;
  // One of `names` (its index), or an error listing them.
  absl::StatusOr<int> OneOf(const YAML::Node& n, absl::string_view field,
                            const std::vector<std::string>& names) const;

  // Slots for counters, flags and drawn values: a new name gets the next
  // slot; `Lookup` finds a name (-1 if none).
  int16_t Slot(const std::string& name);
  int16_t Lookup(const std::string& name) const;
  int slots() const { return static_cast<int>(slots_.size()); }
  // Whether `text` is "$name" for a slot; its slot then.
  int16_t SlotRef(absl::string_view text) const;

  absl::Status At(const YAML::Node& n, absl::string_view field,
                  absl::string_view what) const {
    return r_.At(n, field, what);
  }

 private:
  const YamlReader& r_;
  std::string root_;
  Params params_;  // name, value
  std::map<std::string, int16_t> slots_;
};

// A list node (a sequence), or an error.
absl::Status ExpectList(const ParseContext& c, const YAML::Node& n,
                        absl::string_view field);

// A step: a map with one operation key (the first of `ops` found) and its
// option keys, or a bare scalar operation ("- return"). Sets *op and
// *arg (the operation key's value; null for a bare scalar).
absl::Status StepOp(const ParseContext& c, const YAML::Node& step,
                    absl::string_view field,
                    const std::vector<std::string>& ops, std::string* op,
                    YAML::Node* arg);

// Every ASGI message type's name ("http.request", ...), and reading one.
std::vector<std::string> MessageTypeNames();
absl::StatusOr<MessageType> ReadMessageType(const ParseContext& c,
                                            const YAML::Node& n,
                                            absl::string_view field);

}  // namespace models::lang

#endif  // HANGUP_MODELS_LANG_PARSE_CONTEXT_H_
