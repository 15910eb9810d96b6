// The hangup subcommands. main() copies flags into CommonOptions and calls
// Dispatch; each command returns the process exit code.
//
// Exit codes: 0 ok; 1 a finding (explore only: the default job exits 0
// whatever it finds, and run exits 0 on a violation, which it prints), a
// verdict different from the expected one (replay), or a tape with nothing to
// shrink (shrink); 2 bad input (an unknown name, a malformed file or token),
// with an error that names what and what was expected.
#ifndef HANGUP_CLI_COMMANDS_H_
#define HANGUP_CLI_COMMANDS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cli {

struct CommonOptions {
  std::string server, app, client, scenario;
  std::vector<std::string> middleware;
  std::vector<std::pair<std::string, std::string>> overrides;
  uint64_t seed = 0;
  std::string strategy = "random";
  std::string tape;
  bool json = false;
  bool steps = false;
  int64_t runs = 0;
  double time_seconds = 0;
  int jobs = 0;  // 0 = one per core
  std::string out_dir;
  std::vector<std::string> properties;
  int64_t bound_receive_ms = 1000;
  int64_t bound_app_end_ms = 30000;
  bool shrink = true;
  bool progress = true;
  std::vector<std::string> args;  // positional arguments after the command
};

int Dispatch(const std::string& command, const CommonOptions& options);

int List(const CommonOptions& options);
int Run(const CommonOptions& options);
int Explore(const CommonOptions& options);
int Replay(const CommonOptions& options);
int Shrink(const CommonOptions& options);
int DefaultJob(const CommonOptions& options);

}  // namespace cli

#endif  // HANGUP_CLI_COMMANDS_H_
