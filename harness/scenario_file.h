// Scenario files: a scenario a person writes by hand, in YAML (parsed by
// yaml-cpp, Debian's libyaml-cpp-dev), with the server preset and its
// overrides, the middleware chain, the app and the client, the bounds of the
// built-in properties, the properties to check, and the user's own
// expectations. docs/scenario-language.md is the reference.
//
//   format: hangup-scenario/1
//   title: SSE stream keeps running after the client left
//   server: {preset: uvicorn-0.17.6-h11, send-after-close: raise}
//   app: sse-stream
//   client: http-fin-after-1
//   bounds: {app-end: 5s}
//   expect:
//     - {name: ends-in-1s, app-ends-within: 1s}
//
//   absl::StatusOr<harness::ScenarioFile> f =
//       harness::ReadScenarioFile("examples/sse.yaml");
//   // f->spec, f->properties (bounds, selection, expectations), f->Program()
//
// Errors name the file, the line and column, the field and what was
// expected: "x.yaml:4:9: field 'server.preset': unknown server 'uvicorn-9'
// (expected one of: ...)". Unknown fields and repeated keys are errors.
//
// A file scenario's replay token names the file and a hash of its content
// ("hangup1:file=examples/sse.yaml@3f2a...:<tape>"), so replaying it after
// the file changed is reported, not silently run.
//
// Thread-safety: pure functions (ReadScenarioFile reads the file).
#ifndef HANGUP_HARNESS_SCENARIO_FILE_H_
#define HANGUP_HARNESS_SCENARIO_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "check/properties.h"
#include "models/scenario.h"

namespace harness {

inline constexpr char kScenarioFormat[] = "hangup-scenario/1";
// Files larger than this are refused before parsing.
inline constexpr size_t kMaxScenarioFileBytes = 1 << 20;

struct ScenarioFile {
  std::string path;  // as given
  std::string name;  // `name`, or the file's stem
  std::string title;
  std::string link;
  models::ScenarioSpec spec;
  check::PropertyOptions properties;  // bounds, selection, expectations
  std::string content_hash;           // 16 hex digits (FNV-1a 64)
  std::string text;                   // the file's content

  // The program name in replay tokens: "file=<path>@<content hash>"
  // (whitespace and '%' in the path percent-encoded).
  std::string Program() const;
};

// Parses `text`; `path` names it in errors and in Program().
absl::StatusOr<ScenarioFile> ParseScenarioFile(absl::string_view text,
                                               absl::string_view path);
// Reads and parses a file (at most kMaxScenarioFileBytes).
absl::StatusOr<ScenarioFile> ReadScenarioFile(const std::string& path);

// Whether a replay token's program names a scenario file.
bool IsFileProgram(absl::string_view program);
// Reads the file a "file=<path>@<hash>" program names (a scenario file, or
// a corpus file whose scenario_file is embedded); an error when it does not
// parse, or when its content hash differs (the file changed).
absl::StatusOr<ScenarioFile> ReadFileProgram(absl::string_view program);

// Whether a command-line argument names a scenario file (.yaml or .yml).
bool LooksLikeScenarioFile(absl::string_view arg);

}  // namespace harness

#endif  // HANGUP_HARNESS_SCENARIO_FILE_H_
