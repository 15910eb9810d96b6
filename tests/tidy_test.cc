// The tidy test (tigerbeetle's tidy.zig): sim/ and models/ must not read the
// wall clock, use hidden randomness, or iterate containers whose order
// depends on hashing; lines and files stay short enough to review.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

struct Ban {
  const char* pattern;  // ECMAScript regex
  const char* what;
  const char* instead;
};

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
};

constexpr size_t kMaxLineLength = 100;
constexpr size_t kMaxFileLines = 1000;

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

std::vector<std::string> TidyViolations(const std::string& path,
                                        const std::string& content) {
  std::vector<std::string> out;
  std::vector<std::string> lines = absl::StrSplit(content, '\n');
  if (lines.size() > kMaxFileLines) {
    out.push_back(absl::StrCat(path, ": ", lines.size(),
                               " lines; split it (max ", kMaxFileLines, ")"));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::string where = absl::StrCat(path, ":", i + 1, ": ");
    if (line.size() > kMaxLineLength) {
      out.push_back(absl::StrCat(where, "line is ", line.size(),
                                 " characters (max ", kMaxLineLength, ")"));
    }
    const std::string code = StripLineComment(line);
    for (const Ban& ban : kBans) {
      if (std::regex_search(code, std::regex(ban.pattern))) {
        out.push_back(
            absl::StrCat(where, ban.what, " is banned, use ", ban.instead));
      }
    }
  }
  return out;
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
  };
  for (const char* sample : samples) {
    EXPECT_EQ(TidyViolations("x.cc", sample).size(), 1u) << sample;
  }
  EXPECT_TRUE(TidyViolations("x.cc", "int operand(int);").empty());
  EXPECT_TRUE(TidyViolations("x.cc", "// rand() in a comment").empty());
  EXPECT_FALSE(TidyViolations("x.cc", std::string(101, 'x')).empty());
}

TEST(Tidy, SimAndModelsAreClean) {
  namespace fs = std::filesystem;
  const fs::path root = HANGUP_SOURCE_DIR;
  std::vector<std::string> violations;
  int files = 0;
  for (const char* dir : {"sim", "models"}) {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".h" || ext == ".cc") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      std::ifstream in(p);
      std::stringstream ss;
      ss << in.rdbuf();
      ++files;
      for (std::string& v :
           TidyViolations(fs::relative(p, root).string(), ss.str())) {
        violations.push_back(std::move(v));
      }
    }
  }
  EXPECT_GT(files, 10);
  for (const std::string& v : violations) ADD_FAILURE() << v;
}

}  // namespace
