// hangup list: every name the command line takes, with its description.
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "models/server/presets_markdown.h"

namespace cli {

int List(const CommonOptions& o) {
  if (!o.args.empty() && o.args[0] == "presets-markdown") {
    std::fputs(models::PresetsMarkdown().c_str(), stdout);
    return 0;
  }
  PrintList({.json = o.json});
  return 0;
}

}  // namespace cli
