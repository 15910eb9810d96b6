// A property violated by a run: which property, a signature that stays the
// same for the same bug across tapes (it de-duplicates findings), and one
// line for people.
//
//   check::Violation v{"zombie", "running", "the app was still running ..."};
//   v.ToString();  // "zombie [running]: the app was still running ..."
//   check::HasViolation(violations, "zombie");            // any signature
//   check::HasViolation(violations, "zombie", "running"); // this one
//
// Thread-safety: values.
#ifndef HANGUP_CHECK_VIOLATION_H_
#define HANGUP_CHECK_VIOLATION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace check {

struct Violation {
  std::string property;
  std::string signature;  // stable across tapes for the same bug
  std::string detail;     // one line, for people

  // "property [signature]: detail".
  std::string ToString() const;
};

// Whether `violations` holds `property` (with `signature`, unless empty).
bool HasViolation(const std::vector<Violation>& violations,
                  absl::string_view property, absl::string_view signature = "");

}  // namespace check

#endif  // HANGUP_CHECK_VIOLATION_H_
