#include "check/violation.h"

#include "absl/strings/str_cat.h"

namespace check {

std::string Violation::ToString() const {
  return absl::StrCat(property, " [", signature, "]: ", detail);
}

bool HasViolation(const std::vector<Violation>& violations,
                  absl::string_view property, absl::string_view signature) {
  for (const Violation& v : violations) {
    if (v.property == property &&
        (signature.empty() || v.signature == signature))
      return true;
  }
  return false;
}

}  // namespace check
