// docs/presets.md: one table of presets, then one table per policy-field
// docs group (PolicyField::doc_group), one row per preset, each cell with the
// value and its citation ("-" where the field does not apply to the preset's
// protocols). `hangup list presets-markdown` prints it; a test keeps the
// tracked file current.
//
//   std::string md = models::PresetsMarkdown();
//
// Thread-safety: a pure function over the static tables.
#ifndef HANGUP_MODELS_SERVER_PRESETS_MARKDOWN_H_
#define HANGUP_MODELS_SERVER_PRESETS_MARKDOWN_H_

#include <string>

namespace models {

std::string PresetsMarkdown();

}  // namespace models

#endif  // HANGUP_MODELS_SERVER_PRESETS_MARKDOWN_H_
