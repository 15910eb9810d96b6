#include "models/lang/yaml_reader.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "models/server/policy.h"

namespace models::lang {

absl::StatusOr<sim::Duration> ReadDuration(const YamlReader& r,
                                           const YAML::Node& n,
                                           absl::string_view field) {
  absl::StatusOr<std::string> text =
      r.Scalar(n, field, "a duration like 500ms or 2s");
  if (!text.ok()) return text.status();
  std::optional<sim::Duration> d = models::ParseDuration(*text);
  if (!d) {
    return r.At(n, field,
                absl::StrCat("expected a duration like 500ms or 2s, got '",
                             *text, "'"));
  }
  return *d;
}

absl::StatusOr<int64_t> ReadCount(const YamlReader& r, const YAML::Node& n,
                                  absl::string_view field, int64_t max) {
  absl::StatusOr<std::string> text =
      r.Scalar(n, field, absl::StrCat("an integer from 0 to ", max));
  if (!text.ok()) return text.status();
  int64_t v = 0;
  if (!absl::SimpleAtoi(*text, &v) || v < 0 || v > max) {
    return r.At(n, field,
                absl::StrCat("expected an integer from 0 to ", max, ", got '",
                             *text, "'"));
  }
  return v;
}

}  // namespace models::lang
