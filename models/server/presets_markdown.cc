#include "models/server/presets_markdown.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "models/server/policy.h"
#include "models/server/presets.h"

namespace models {

std::string PresetsMarkdown() {
  std::string out =
      "# Server presets\n\n"
      "Generated from `models/server/presets.cc` by `hangup list "
      "presets-markdown`; "
      "do not edit.\n"
      "Each cell is the policy value, then its source. \"ref\" is\n"
      "`shared/reference/asgi-send-disconnect.md`; [P] marks behaviour "
      "observed on the Debian package\n"
      "(`tests/conformance`, see `docs/fidelity.md` and `docs/servers/`); [C] "
      "code reading only.\n"
      "Cells marked - do not apply to the preset's protocols.\n\n";
  absl::StrAppend(
      &out,
      "## Presets\n\n| preset | protocols | description |\n|---|---|---|\n");
  for (const Preset& p : Presets()) {
    absl::StrAppend(&out, "| `", p.name, "` | ",
                    p.http && p.websocket ? "HTTP, WebSocket"
                    : p.http              ? "HTTP"
                                          : "WebSocket",
                    " | ", p.description,
                    p.design_alternative ? " (design alternative)" : "",
                    " |\n");
  }
  for (const char* title : PolicyFieldGroups()) {
    std::vector<const PolicyField*> fields;
    for (const PolicyField& f : PolicyFields()) {
      if (absl::string_view(f.doc_group) == title) fields.push_back(&f);
    }
    absl::StrAppend(&out, "\n## ", title, "\n\n| preset |");
    for (const PolicyField* f : fields) {
      absl::StrAppend(&out, " `", f->name, "` |");
    }
    absl::StrAppend(&out, "\n|---|");
    for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&out, "---|");
    absl::StrAppend(&out, "\n");
    for (const Preset& p : Presets()) {
      absl::StrAppend(&out, "| `", p.name, "` |");
      for (const PolicyField* f : fields) {
        if (!f->AppliesTo(p.http, p.websocket)) {
          absl::StrAppend(&out, " - |");
          continue;
        }
        const std::string source =
            absl::StrReplaceAll(p.Source(f->name), {{"|", "\\|"}});
        absl::StrAppend(&out, " **", f->get(p.policy), "**: ", source, " |");
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

}  // namespace models
