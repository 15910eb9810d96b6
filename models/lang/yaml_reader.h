// Reading YAML with positions: every error names the file, the line and
// column of the node, the field (a dotted path such as "server.preset" or
// "expect[2].name") and what was expected. Used by scenario files and programs.
//
//   lang::YamlReader r("s.yaml");
//   SIM_RETURN_IF_ERROR(r.Keys(node, "bounds", {"receive", "app-end"}));
//   absl::StatusOr<sim::Duration> d =
//       lang::ReadDuration(r, node["receive"], "bounds.receive");
//   // "s.yaml:5:12: field 'bounds.receive': expected a duration like 500ms
//   // or 2s, got '5'"
//
// Thread-safety: values and pure functions.
#ifndef HANGUP_MODELS_LANG_YAML_READER_H_
#define HANGUP_MODELS_LANG_YAML_READER_H_

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/registry.h"
#include "models/asgi/suggest.h"
#include "sim/time.h"
#include "yaml-cpp/yaml.h"

namespace models::lang {

// Errors at a node: "<path>:<line>:<column>: field '<field>': <what>".
class YamlReader {
 public:
  explicit YamlReader(absl::string_view path) : path_(path) {}

  absl::Status At(const YAML::Node& node, absl::string_view field,
                  absl::string_view what) const {
    return AtMark(node.Mark(), field, what);
  }
  absl::Status AtMark(const YAML::Mark& mark, absl::string_view field,
                      absl::string_view what) const {
    if (mark.is_null()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": field '", field, "': ", what));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ":", mark.line + 1, ":", mark.column + 1,
                     ": field '", field, "': ", what));
  }

  // A scalar string, or an error saying what was expected.
  absl::StatusOr<std::string> Scalar(const YAML::Node& node,
                                     absl::string_view field,
                                     absl::string_view expected) const {
    if (!node.IsScalar()) {
      return At(node, field,
                absl::StrCat("expected ", expected, ", got ", KindName(node)));
    }
    return node.Scalar();
  }

  // The keys of a map, each once and each one of `allowed`.
  absl::Status Keys(const YAML::Node& map, absl::string_view field,
                    const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) {
      return At(map, field,
                absl::StrCat("expected a map, got ", KindName(map)));
    }
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // A copy: the iterator hands out a temporary pair.
      const YAML::Node key = it->first;
      const std::string where =
          Join(field, key.IsScalar() ? key.Scalar() : "?");
      if (!key.IsScalar()) return At(key, field, "keys must be plain names");
      if (!seen.insert(key.Scalar()).second) {
        return At(key, where, "is given twice (each key once)");
      }
      if (std::find(allowed.begin(), allowed.end(), key.Scalar()) ==
          allowed.end()) {
        return At(key, where,
                  absl::StrCat("unknown field (expected one of: ",
                               absl::StrJoin(allowed, ", "), ")",
                               models::DidYouMean(key.Scalar(), allowed)));
      }
    }
    return absl::OkStatus();
  }

  static std::string Join(absl::string_view parent, absl::string_view key) {
    return parent.empty() ? std::string(key) : absl::StrCat(parent, ".", key);
  }

  static std::string KindName(const YAML::Node& n) {
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "nothing";
    return absl::StrCat("'", n.Scalar(), "'");
  }

 private:
  std::string path_;
};

// The name of an entry of `table` ("a server name"), or an error listing
// the names.
template <class T>
absl::Status ReadName(const YamlReader& r, const YAML::Node& node,
                      absl::string_view field, const char* what,
                      absl::Span<const T> table, std::string* out) {
  absl::StatusOr<std::string> name =
      r.Scalar(node, field, absl::StrCat("a ", what, " name"));
  if (!name.ok()) return name.status();
  if (models::FindByName(table, *name) == nullptr) {
    return r.At(node, field, models::UnknownNameMessage(what, *name, table));
  }
  *out = *name;
  return absl::OkStatus();
}

// A duration: "<n>ms", "<n>s", "0" or "none".
absl::StatusOr<sim::Duration> ReadDuration(const YamlReader& r,
                                           const YAML::Node& n,
                                           absl::string_view field);
// An integer from 0 to `max`.
absl::StatusOr<int64_t> ReadCount(const YamlReader& r, const YAML::Node& n,
                                  absl::string_view field, int64_t max);

}  // namespace models::lang

#endif  // HANGUP_MODELS_LANG_YAML_READER_H_
