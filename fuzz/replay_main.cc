// <target>_replay: a fuzz target without libFuzzer (fuzz/replay_driver.h).
//
//   scenario_fuzz_replay corpus/                 check every corpus entry
//   scenario_fuzz_replay crash-1a2b... dir/      replay raw fuzz inputs
//   scenario_fuzz_replay --write_seeds=DIR corpus/   write libFuzzer seeds
//
// Exit status: 0 when every corpus entry broke its expected property (and
// every raw input ran); 1 when an entry did not; 2 on bad input (a missing
// file, a corpus file that does not parse, no paths). A raw input with a new
// violation aborts, as under libFuzzer (unless HANGUP_FUZZ_KEEP_GOING is set).
//
// Flags live only here.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fuzz/replay_driver.h"
#include "harness/corpus.h"

ABSL_FLAG(std::string, write_seeds, "",
          "write the seed inputs (corpus entries the target can express, "
          "plus its base seeds) to this directory instead of replaying");

namespace {

namespace fs = std::filesystem;

struct Inputs {
  std::vector<fs::path> corpus;  // *.json
  std::vector<fs::path> raw;     // anything else
};

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Files named on the command line are taken whatever their name; in a
// directory, *.json files are corpus entries, files without an extension
// (libFuzzer's names: sha1, crash-sha1) raw inputs, and the rest skipped.
bool Collect(const std::vector<std::string>& paths, Inputs& inputs) {
  for (const std::string& arg : paths) {
    const fs::path path(arg);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(path, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) {
        if (f.extension() == ".json") inputs.corpus.push_back(f);
        if (!f.has_extension()) inputs.raw.push_back(f);
      }
    } else if (fs::is_regular_file(path, ec)) {
      (path.extension() == ".json" ? inputs.corpus : inputs.raw)
          .push_back(path);
    } else {
      std::fprintf(stderr, "error: %s: no such file or directory\n",
                   arg.c_str());
      return false;
    }
  }
  return true;
}

bool LoadEntry(const fs::path& path, harness::CorpusEntry& entry) {
  std::string text;
  if (!ReadFile(path, text)) {
    std::fprintf(stderr, "error: %s: cannot read\n", path.c_str());
    return false;
  }
  absl::StatusOr<harness::CorpusEntry> e =
      harness::ParseCorpus(text, path.filename().string());
  if (!e.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(e.status().message()).c_str());
    return false;
  }
  entry = *std::move(e);
  return true;
}

// "" when the replay matches the entry's expectation, else what differs.
std::string Mismatch(const harness::CorpusEntry& e,
                     const fuzz::CorpusReplay& r) {
  std::string verdict = harness::CorpusMismatch(e, r.violations, r.trace_hash);
  if (!verdict.empty() || r.fresh.empty()) return verdict;
  const check::Violation& v = r.fresh.front();
  return absl::StrCat("the fuzz target reports ", v.property, " [", v.signature,
                      "] as new, so this entry's seed would stop the fuzzer "
                      "at once; list the tape among the scenario's known "
                      "tapes (fuzz/fuzz_input.cc)");
}

int ReplayCorpus(const std::vector<fs::path>& files) {
  int mismatches = 0;
  for (const fs::path& path : files) {
    harness::CorpusEntry e;
    if (!LoadEntry(path, e)) return 2;
    const fuzz::CorpusReplay r = fuzz::GetReplayTarget().Replay(e);
    const std::string mismatch = Mismatch(e, r);
    if (mismatch.empty()) {
      std::printf("ok        %s: %s via %s\n", e.name.c_str(),
                  e.expect_property.empty() ? "no violation"
                                            : e.expect_property.c_str(),
                  r.route.c_str());
    } else {
      ++mismatches;
      std::printf("MISMATCH  %s: %s (via %s)\n  reproduce: hangup replay %s\n",
                  e.name.c_str(), mismatch.c_str(), r.route.c_str(),
                  path.c_str());
    }
  }
  if (!files.empty()) {
    std::printf("%zu corpus entries, %d mismatched\n", files.size(),
                mismatches);
  }
  return mismatches == 0 ? 0 : 1;
}

int ReplayRaw(const std::vector<fs::path>& files) {
  for (const fs::path& path : files) {
    std::string data;
    if (!ReadFile(path, data)) {
      std::fprintf(stderr, "error: %s: cannot read\n", path.c_str());
      return 2;
    }
    const absl::Span<const uint8_t> input(
        reinterpret_cast<const uint8_t*>(data.data()), data.size());
    std::printf("running   %s: %s\n", path.c_str(),
                fuzz::GetReplayTarget().ReplayCommand(input).c_str());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  if (!files.empty()) std::printf("%zu raw inputs ran\n", files.size());
  return 0;
}

bool WriteFile(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

int WriteSeeds(const fs::path& dir, const std::vector<fs::path>& corpus) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::vector<fuzz::Seed> seeds = fuzz::GetReplayTarget().BaseSeeds();
  for (const fs::path& path : corpus) {
    harness::CorpusEntry e;
    if (!LoadEntry(path, e)) return 2;
    auto input = fuzz::GetReplayTarget().InputFor(e);
    if (input) seeds.push_back({e.name, *std::move(input)});
  }
  for (const fuzz::Seed& s : seeds) {
    if (!WriteFile(dir / s.name, s.input)) {
      std::fprintf(stderr, "error: cannot write %s\n", (dir / s.name).c_str());
      return 2;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "replays fuzz inputs and corpus/*.json entries without libFuzzer:\n"
      "  <target>_replay [--write_seeds=DIR] PATH...");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> paths(args.begin() + 1, args.end());
  if (paths.empty()) {
    std::fprintf(stderr, "usage: %s [--write_seeds=DIR] FILE|DIR...\n",
                 args[0]);
    return 2;
  }
  Inputs inputs;
  if (!Collect(paths, inputs)) return 2;
  if (inputs.corpus.empty() && inputs.raw.empty()) {
    std::fprintf(stderr, "error: no inputs (*.json or raw files) in %s\n",
                 absl::StrJoin(paths, " ").c_str());
    return 2;
  }
  const std::string seeds = absl::GetFlag(FLAGS_write_seeds);
  if (!seeds.empty()) return WriteSeeds(seeds, inputs.corpus);
  const int corpus = ReplayCorpus(inputs.corpus);
  if (corpus == 2) return corpus;
  const int raw = ReplayRaw(inputs.raw);
  return raw != 0 ? raw : corpus;
}
