// Lookup by name in the models' static tables (apps, middleware, clients,
// presets, properties, policy fields): any struct with a `name` member, a
// `const char*` or a `std::string`, in a table kept in declaration order.
//
//   const AppInfo* app = models::FindByName(models::Apps(), "sse-stream");
//   if (app == nullptr) {
//     return absl::NotFoundError(
//         models::UnknownNameMessage("app", "sse-strem", models::Apps()));
//   }  // "unknown app 'sse-strem' (expected one of: sse-stream, ...)"
//
// Thread-safety: pure functions over their arguments.
#ifndef HANGUP_MODELS_ASGI_REGISTRY_H_
#define HANGUP_MODELS_ASGI_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/asgi/suggest.h"

namespace models {

// The first entry of `table` called `name`, or nullptr.
template <class T>
const T* FindByName(absl::Span<const T> table, absl::string_view name) {
  for (const T& entry : table) {
    if (name == entry.name) return &entry;
  }
  return nullptr;
}

// Every name in `table`, in order, joined with ", ".
template <class T>
std::string NamesOf(absl::Span<const T> table) {
  return absl::StrJoin(table, ", ", [](std::string* out, const T& entry) {
    absl::StrAppend(out, entry.name);
  });
}

// "unknown <what> '<name>' (expected one of: <NamesOf(table)>)".
template <class T>
std::string UnknownNameMessage(absl::string_view what, absl::string_view name,
                               absl::Span<const T> table) {
  std::vector<std::string> names;
  for (const T& entry : table) names.emplace_back(entry.name);
  return absl::StrCat("unknown ", what, " '", name,
                      "' (expected one of: ", absl::StrJoin(names, ", "), ")",
                      DidYouMean(name, names));
}

}  // namespace models

#endif  // HANGUP_MODELS_ASGI_REGISTRY_H_
