// Parsing app, middleware and client programs from YAML: the catalog's
// files (catalog/{apps,middleware,clients}/*.yaml) and the programs written
// inline in scenario files. docs/scenario-language.md is the reference.
//
//   format: hangup-app/1
//   name: sse-stream
//   description: "SSE stream: 20 chunks 10 ms apart, never calls receive()"
//   protocol: http
//   params: {chunks: 20, interval: 10ms}
//   steps:
//     - send: {type: http.response.start}
//     - repeat: $chunks
//       as: i
//       steps:
//         - send: {type: http.response.body, seq: $i, more_body: true}
//         - sleep: $interval
//     - send: {type: http.response.body, seq: $chunks, bytes: 0}
//
//   ParseContext c(reader, "app");
//   absl::StatusOr<std::shared_ptr<AppProgram>> p =
//       ParseAppProgram(c, node, {{"chunks", "5"}});
//
// Errors name the file, line, column, field and what was expected.
// Thread-safety: pure functions.
#ifndef HANGUP_MODELS_LANG_PROGRAM_PARSER_H_
#define HANGUP_MODELS_LANG_PROGRAM_PARSER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "models/app/program.h"
#include "models/client/program.h"
#include "models/lang/parse_context.h"
#include "yaml-cpp/yaml.h"

namespace models::lang {

inline constexpr char kAppFormat[] = "hangup-app/1";
inline constexpr char kClientFormat[] = "hangup-client/1";
inline constexpr char kMiddlewareFormat[] = "hangup-middleware/1";

// `node` is a program map: format (optional inline), name, description,
// protocol, params, cancellation (apps), steps. `overrides` set parameters.
absl::StatusOr<std::shared_ptr<AppProgram>> ParseAppProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides);
// A middleware program: an app program without protocol and cancellation,
// which may also call-app, reraise, starlette-base-http and test app-sent.
absl::StatusOr<std::shared_ptr<AppProgram>> ParseMiddlewareProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides);
absl::StatusOr<std::shared_ptr<ClientProgram>> ParseClientProgram(
    ParseContext& c, const YAML::Node& node, const Params& overrides);

}  // namespace models::lang

#endif  // HANGUP_MODELS_LANG_PROGRAM_PARSER_H_
