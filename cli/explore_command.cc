#include <cstdio>

#include "cli/commands.h"

namespace cli {

int Explore(const CommonOptions&) {
  std::fprintf(stderr, "hangup explore: not built yet\n");
  return 2;
}
int Replay(const CommonOptions&) {
  std::fprintf(stderr, "hangup replay: not built yet\n");
  return 2;
}
int Shrink(const CommonOptions&) {
  std::fprintf(stderr, "hangup shrink: not built yet\n");
  return 2;
}
int DefaultJob(const CommonOptions&) {
  std::fprintf(stderr, "hangup: the default job is not built yet\n");
  return 2;
}

}  // namespace cli
