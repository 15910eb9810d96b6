// The catalog: the named apps, middleware and clients `hangup list` shows,
// each a program file under catalog/ (compiled into the binary), with
// parameters a user sets by name: "ws-close-1000:code=4001;reason=bye" (','
// also separates parameters where the text is not inside a scenario spec).
//
//   absl::StatusOr<std::shared_ptr<const models::AppProgram>> app =
//       models::lang::ResolveApp("ws-push:messages=5");
//   for (const models::lang::ProgramInfo& c : models::lang::CatalogClients())
//     ... c.name, c.description, c.params ...
//
// Thread-safety: the catalog is parsed once, on first use (a function-local
// static), and is immutable afterwards; Resolve* are safe from any thread.
#ifndef HANGUP_MODELS_LANG_CATALOG_H_
#define HANGUP_MODELS_LANG_CATALOG_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/app/program.h"
#include "models/client/program.h"
#include "models/lang/parse_context.h"

namespace models::lang {

struct ProgramInfo {
  std::string name;
  std::string description;
  Protocol protocol = Protocol::kHttp;
  std::string path;    // "catalog/apps/sse-stream.yaml"
  std::string params;  // "chunks=20, interval=10ms" (defaults)
  Params defaults;     // the same, as (name, value) pairs
  std::string text;    // the file
};

absl::Span<const ProgramInfo> CatalogApps();
absl::Span<const ProgramInfo> CatalogMiddleware();
absl::Span<const ProgramInfo> CatalogClients();

// A reference: a catalog name, optionally with parameters after ':'.
struct ProgramRef {
  std::string name;
  Params params;
};
absl::StatusOr<ProgramRef> ParseRef(absl::string_view ref);
// The canonical text of a reference (parameters joined with ';').
std::string RefToString(const ProgramRef& ref);

absl::StatusOr<std::shared_ptr<const AppProgram>> ResolveApp(
    absl::string_view ref);
// A middleware program (program->middleware); ProgramInfo::name of the
// catalog entry (FindByName(CatalogMiddleware(), ParseRef(ref)->name)) is
// the static name its sends are recorded under.
absl::StatusOr<std::shared_ptr<const AppProgram>> ResolveMiddleware(
    absl::string_view ref);
absl::StatusOr<std::shared_ptr<const ClientProgram>> ResolveClient(
    absl::string_view ref);

namespace internal {
struct EmbeddedFile {
  const char* path;
  const char* text;
};
extern const EmbeddedFile kEmbeddedCatalog[];
extern const size_t kEmbeddedCatalogSize;
}  // namespace internal

}  // namespace models::lang

#endif  // HANGUP_MODELS_LANG_CATALOG_H_
