#include "cli/commands.h"

#include <cstdio>

namespace cli {

int Dispatch(const std::string& command, const CommonOptions& o) {
  if (command.empty()) return DefaultJob(o);
  if (command == "list") return List(o);
  if (command == "run") return Run(o);
  if (command == "explore") return Explore(o);
  if (command == "replay") return Replay(o);
  if (command == "shrink") return Shrink(o);
  std::fprintf(stderr,
               "hangup: unknown command '%s' (expected list, run, explore, "
               "replay or shrink; "
               "none runs the default job)\n",
               command.c_str());
  return 2;
}

}  // namespace cli
