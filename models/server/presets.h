// Presets of real servers (uvicorn, hypercorn, daphne, granian, by version
// and protocol implementation) and design alternatives (one reference server
// per send-after-close strategy, identical but for that strategy).
//
// Each preset sets every policy field through SetPolicyField together with
// the source of the value (file@tag with line, or a row of
// shared/reference/asgi-send-disconnect.md, or the conformance suite), so
// docs/presets.md, generated from these definitions, cannot drift.
//
//   const models::Preset* p = models::FindPreset("daphne-4.0.0");
//   models::ServerPolicy policy = p->policy;
//   std::string source = p->Source("kill-after");
//
// Thread-safety: the table is built once, on first use, and immutable.
#ifndef HANGUP_MODELS_SERVER_PRESETS_H_
#define HANGUP_MODELS_SERVER_PRESETS_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "models/server/policy.h"

namespace models {

struct Preset {
  std::string name;
  std::string description;
  bool http = true;
  bool websocket = true;
  bool design_alternative = false;
  ServerPolicy policy;
  std::map<std::string, std::string> sources;  // policy field -> citation

  // The citation of a field's value ("" when the field does not apply).
  std::string Source(absl::string_view field) const;
  bool Supports(Protocol protocol) const {
    return protocol == Protocol::kHttp ? http : websocket;
  }
};

absl::Span<const Preset> Presets();
const Preset* FindPreset(absl::string_view name);

}  // namespace models

#endif  // HANGUP_MODELS_SERVER_PRESETS_H_
