// The tidy test (tigerbeetle's tidy.zig): the layers' rules, checked.
//   - Includes point down the layers only (sim <- sim/testing <- models/asgi
//     <- models/{server,app,client} <- models <- check <- harness <- entry
//     points); peers (models/server, app, client) do not include each other.
//   - Below the harness (sim/, models/, check/): no wall clock, no hidden
//     randomness, no containers whose iteration order depends on hashing,
//     and no threads, mutexes, atomics, file streams or clocks at all.
//   - Everywhere: lines of at most 100 characters, files of at most 600
//     lines (a short allowlist of data tables), include guards that follow
//     the path.
// A planted tree in the build folder proves the checker fails on each.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct Ban {
  const char* pattern;  // ECMAScript regex
  const char* what;
  const char* instead;
};

// Banned in code below the harness.
const Ban kBans[] = {
    {R"(\brand\s*\()", "rand(", "sim::Prng"},
    {R"(\bsrand\s*\()", "srand(", "sim::Prng"},
    {R"(random_device)", "std::random_device", "a seed from the run's options"},
    {R"(_distribution\s*<)", "std::*_distribution",
     "sim::Prng::Below / Chance"},
    {R"(\bmt19937)", "std::mt19937", "sim::Prng"},
    {R"(absl::BitGen)", "absl::BitGen", "sim::Prng"},
    {R"(system_clock)", "std::chrono::system_clock", "sim::Executor::Now()"},
    {R"(steady_clock)", "std::chrono::steady_clock", "sim::Executor::Now()"},
    {R"(high_resolution_clock)", "high_resolution_clock",
     "sim::Executor::Now()"},
    {R"(absl::Now)", "absl::Now", "sim::Executor::Now()"},
    {R"(sleep_for)", "sleep_for", "co_await sim::Sleep(d)"},
    {R"(\bgettimeofday\b|\bclock_gettime\b|\btime\s*\(\s*(nullptr|NULL|0)\s*\))",
     "a libc clock", "sim::Executor::Now()"},
    {R"(thread_local)", "thread_local", "explicit state passed by reference"},
    {R"(std::hash\s*<[^>]*\*)", "std::hash on a pointer", "a dense integer id"},
    {R"(unordered_(map|set)|flat_hash_(map|set)|node_hash_(map|set))",
     "hash containers (iteration order varies)",
     "std::map, absl::btree_map or a vector indexed by id"},
    {R"(#\s*include\s*<(thread|mutex|shared_mutex|atomic|condition_variable|)"
     R"(future|fstream|chrono|random)>)",
     "this header (threads, files, clocks, randomness)",
     "single-threaded models; files and threads belong in harness/"},
};

// The layers, bottom up; a folder's rank is that of its longest prefix.
struct Layer {
  const char* prefix;
  int rank;
  bool below_harness;
};
const Layer kLayers[] = {
    {"sim/", 0, true},         {"sim/testing/", 1, true},
    {"models/asgi/", 2, true}, {"models/server/", 3, true},
    {"models/app/", 3, true},  {"models/client/", 3, true},
    {"models/lang/", 4, true}, {"models/", 5, true},
    {"check/", 6, true},       {"harness/", 7, false},
    {"cli/", 8, false},        {"fuzz/", 8, false},
    {"bench/", 8, false},      {"tests/", 8, false},
};

const Layer* LayerOf(absl::string_view path) {
  const Layer* best = nullptr;
  for (const Layer& l : kLayers) {
    if (absl::StartsWith(path, l.prefix) &&
        (best == nullptr || strlen(l.prefix) > strlen(best->prefix)))
      best = &l;
  }
  return best;
}

constexpr size_t kMaxLineLength = 100;
constexpr size_t kMaxFileLines = 600;
// Data tables: one row per preset, each value with its citation.
const char* const kLongFiles[] = {"models/server/presets.cc"};

std::string StripLineComment(const std::string& line) {
  bool in_string = false;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
      in_string = !in_string;
    if (!in_string && line[i] == '/' && line[i + 1] == '/')
      return line.substr(0, i);
  }
  return line;
}

// An include that points up, or sideways to a peer, from a file of `from`.
std::string IncludeViolation(const Layer& from, const std::string& included) {
  const Layer* to = LayerOf(included);
  if (to == nullptr || to == &from) return "";
  if (to->rank < from.rank) return "";
  return absl::StrCat("includes \"", included, "\" (layer ", to->prefix,
                      ", rank ", to->rank, ") from layer ", from.prefix,
                      " (rank ", from.rank,
                      "): includes must point down the layers");
}

std::string ExpectedGuard(const std::string& path) {
  std::string g = "HANGUP_";
  for (char c : path) {
    g += std::isalnum(static_cast<unsigned char>(c))
             ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
             : '_';
  }
  return g + "_";
}

void CheckFileShape(const std::string& path,
                    const std::vector<std::string>& lines,
                    std::vector<std::string>& out) {
  const bool allowlisted =
      std::find(std::begin(kLongFiles), std::end(kLongFiles), path) !=
      std::end(kLongFiles);
  if (lines.size() > kMaxFileLines && !allowlisted) {
    out.push_back(absl::StrCat(path, ": ", lines.size(),
                               " lines; split it (max ", kMaxFileLines, ")"));
  }
  if (absl::EndsWith(path, ".h")) {
    const std::string guard = ExpectedGuard(path);
    bool found = false;
    for (const std::string& l : lines) found |= l == "#ifndef " + guard;
    if (!found) {
      out.push_back(absl::StrCat(path, ": expected include guard ", guard));
    }
  }
}

std::vector<std::string> TidyViolations(const std::string& path,
                                        const std::string& content) {
  std::vector<std::string> out;
  const Layer* layer = LayerOf(path);
  std::vector<std::string> lines = absl::StrSplit(content, '\n');
  CheckFileShape(path, lines, out);
  static const std::regex include_re(R"(^\s*#\s*include\s*"([^"]+)\")");
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::string where = absl::StrCat(path, ":", i + 1, ": ");
    if (line.size() > kMaxLineLength) {
      out.push_back(absl::StrCat(where, "line is ", line.size(),
                                 " characters (max ", kMaxLineLength, ")"));
    }
    const std::string code = StripLineComment(line);
    std::smatch m;
    if (layer != nullptr && std::regex_search(code, m, include_re)) {
      std::string v = IncludeViolation(*layer, m[1].str());
      if (!v.empty()) out.push_back(where + v);
    }
    if (layer == nullptr || !layer->below_harness) continue;
    for (const Ban& ban : kBans) {
      if (std::regex_search(code, std::regex(ban.pattern))) {
        out.push_back(
            absl::StrCat(where, ban.what, " is banned, use ", ban.instead));
      }
    }
  }
  return out;
}

// Every violation in the .h/.cc files under `root`'s layer folders.
std::vector<std::string> ScanTree(const fs::path& root, int* files) {
  std::vector<fs::path> paths;
  for (const char* dir :
       {"sim", "models", "check", "harness", "cli", "fuzz", "bench", "tests"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".h" || ext == ".cc") paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> violations;
  for (const fs::path& p : paths) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    ++*files;
    for (std::string& v :
         TidyViolations(fs::relative(p, root).string(), ss.str())) {
      violations.push_back(std::move(v));
    }
  }
  return violations;
}

TEST(Tidy, CheckerCatchesEveryBannedToken) {
  const char* samples[] = {
      "int x = rand();",
      "std::random_device rd;",
      "std::uniform_int_distribution<int> d(0, 9);",
      "std::mt19937 gen;",
      "absl::BitGen gen;",
      "auto t = std::chrono::system_clock::now();",
      "auto t = std::chrono::steady_clock::now();",
      "auto t = absl::Now();",
      "std::this_thread::sleep_for(x);",
      "thread_local int x;",
      "std::hash<Node*> h;",
      "std::unordered_map<int, int> m;",
      "absl::flat_hash_map<int, int> m;",
      "long t = time(nullptr);",
      "#include <thread>",
      "#include <mutex>",
      "#include <atomic>",
      "#include <fstream>",
      "#include <chrono>",
  };
  for (const char* sample : samples) {
    EXPECT_EQ(TidyViolations("models/x.cc", sample).size(), 1u) << sample;
    EXPECT_EQ(TidyViolations("check/x.cc", sample).size(), 1u) << sample;
    // The harness and the entry points may use threads, files and clocks.
    EXPECT_TRUE(TidyViolations("harness/x.cc", sample).empty()) << sample;
  }
  EXPECT_TRUE(TidyViolations("sim/x.cc", "int operand(int);").empty());
  EXPECT_TRUE(TidyViolations("sim/x.cc", "// rand() in a comment").empty());
  EXPECT_FALSE(TidyViolations("cli/x.cc", std::string(101, 'x')).empty());
}

TEST(Tidy, IncludesMustPointDownTheLayers) {
  auto violates = [](const char* path, const char* include) {
    return !TidyViolations(path, absl::StrCat("#include \"", include, "\""))
                .empty();
  };
  EXPECT_FALSE(violates("models/scenario.cc", "models/server/server.h"));
  EXPECT_FALSE(violates("models/server/server.cc", "models/server/server.h"));
  EXPECT_FALSE(violates("check/properties.cc", "models/asgi/outcome.h"));
  EXPECT_FALSE(violates("cli/output.cc", "harness/campaign.h"));
  EXPECT_FALSE(violates("sim/x.cc", "absl/strings/str_cat.h"));
  EXPECT_TRUE(violates("sim/executor.cc", "models/asgi/asgi.h"));
  EXPECT_TRUE(violates("sim/executor.cc", "sim/testing/canary.h"));
  EXPECT_TRUE(violates("models/asgi/outcome.h", "models/scenario.h"));
  EXPECT_TRUE(violates("models/server/server.cc", "models/app/program.h"));
  EXPECT_TRUE(violates("models/scenario.cc", "check/properties.h"));
  EXPECT_TRUE(violates("check/properties.cc", "harness/findings.h"));
  EXPECT_TRUE(violates("harness/campaign.cc", "cli/output.h"));
  EXPECT_TRUE(violates("cli/run_command.cc", "fuzz/fuzz_runner.h"));
}

// A planted tree in the build folder: the scanner that checks the source
// tree fails on each planted rule break.
TEST(Tidy, PlantedTreeFailsEveryRule) {
  const fs::path root = fs::path(HANGUP_BINARY_DIR) / "tidy_planted";
  fs::remove_all(root);
  auto plant = [&](const std::string& path, const std::string& text) {
    fs::create_directories((root / path).parent_path());
    std::ofstream(root / path) << text;
  };
  plant("models/asgi/upward.cc", "#include \"models/server/server.h\"\n");
  plant("check/threads.cc", "#include <thread>\n");
  plant("sim/guard.h", "#ifndef WRONG_H_\n#define WRONG_H_\n#endif\n");
  plant("harness/long.cc", std::string(601, '\n'));
  int files = 0;
  const std::vector<std::string> v = ScanTree(root, &files);
  EXPECT_EQ(files, 4);
  const std::string all = absl::StrJoin(v, "\n");
  EXPECT_TRUE(absl::StrContains(all, "models/asgi/upward.cc:1: includes"))
      << all;
  EXPECT_TRUE(absl::StrContains(all, "check/threads.cc:1: this header")) << all;
  EXPECT_TRUE(absl::StrContains(all,
                                "sim/guard.h: expected include guard "
                                "HANGUP_SIM_GUARD_H_"))
      << all;
  EXPECT_TRUE(absl::StrContains(all, "harness/long.cc: 602 lines")) << all;
  EXPECT_EQ(v.size(), 4u) << all;
  fs::remove_all(root);
}

TEST(Tidy, SourceTreeIsClean) {
  int files = 0;
  const std::vector<std::string> violations =
      ScanTree(HANGUP_SOURCE_DIR, &files);
  EXPECT_GT(files, 100);
  for (const std::string& v : violations) ADD_FAILURE() << v;
}

}  // namespace
