// Corpus files: one known race bug (or one finding) each, versioned JSON
// that replays it bit for bit. docs/corpus-format.md documents the format.
//
//   {"format": "hangup-corpus/1",
//    "name": "uvicorn-997-wsproto-fin-no-disconnect",
//    "title": "...", "link": "https://github.com/encode/uvicorn/issues/997",
//    "affected": "uvicorn < 0.20.0", "fixed": "uvicorn 0.20.0 (#996)",
//    "scenario": "server=uvicorn-0.17.6-wsproto,app=...,client=ws-fin",
//    "tape": "0003",
//    "expect": {"property": "disconnect-delivery", "signature": "never"},
//    "trace_hash": "0x...",                      (optional)
//    "fixed_scenario": "server=uvicorn-0.51-wsproto,...",   (optional)
//    "found_by": {"strategy": "random", "seed": 0, "executions": 1,
//                 "unshrunk_tape_bytes": 1}}                   (optional)
//
// clang-format off
//   absl::StatusOr<harness::CorpusEntry> e = harness::ParseCorpus(text, "x");
//   std::string json = harness::CorpusToJson(*e);
//   std::string why = harness::CorpusMismatch(*e, violations, trace_hash);
// clang-format on
//
// Errors name the file, the field and what was expected.
// Thread-safety: pure functions (FixedVersionMismatch runs the fixed version
// on the calling thread).
#ifndef HANGUP_HARNESS_CORPUS_H_
#define HANGUP_HARNESS_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "check/properties.h"
#include "check/violation.h"
#include "harness/findings.h"
#include "models/scenario.h"

namespace harness {

inline constexpr char kCorpusFormat[] = "hangup-corpus/1";

struct CorpusEntry {
  std::string name;
  std::string title;
  std::string link;
  std::string affected;
  std::string fixed;
  models::ScenarioSpec scenario;
  std::vector<uint8_t> tape;
  std::string expect_property;   // "" = the run must violate nothing
  std::string expect_signature;  // "" = any signature of that property
  std::string trace_hash;        // "" = not checked
  std::string fixed_scenario;    // "" = none; else must not violate
  std::string found_by;          // free-form JSON object text, kept as is
  // A scenario file embedded whole (its YAML text; "" = none). When set,
  // `scenario` must be its scenario, `properties` are its bounds and
  // expectations, and `program` names it in tokens.
  std::string scenario_file;
  check::PropertyOptions properties;
  std::string program;
};

// What replaying the entry runs: its scenario checked with its embedded
// file's properties, or with `properties` (the command line's) if none.
Target CorpusTarget(const CorpusEntry& entry,
                    const check::PropertyOptions& properties);

absl::StatusOr<CorpusEntry> ParseCorpus(absl::string_view text,
                                        absl::string_view file);
std::string CorpusToJson(const CorpusEntry& entry);

// Whether a replay of `entry`'s tape that broke `violations` with this trace
// hash gives the entry's verdict: "" when it does, else one line saying what
// differs ("expected X [S], got ..."). The trace hash is checked only when
// the entry has one, and after the verdict.
std::string CorpusMismatch(const CorpusEntry& entry,
                           const std::vector<check::Violation>& violations,
                           uint64_t trace_hash);

// Whether the entry's fixed version (fixed_scenario) still breaks the
// expected property on the entry's tape: "" when it does not, or when the
// entry names no fixed version or expects no violation; else one line
// saying so. Replays the tape once.
std::string FixedVersionMismatch(const CorpusEntry& entry,
                                 const check::PropertyOptions& properties);

// Reads and parses a corpus file; errors name the file (and the field).
absl::StatusOr<CorpusEntry> ReadCorpusFile(const std::string& path);

// Writes `entry` to DIR/<entry.name>.json (creating DIR) so that a reader
// sees the old file or the new one, never a part; returns the path.
absl::StatusOr<std::string> WriteCorpusFile(const std::string& dir,
                                            const CorpusEntry& entry);

// `text` with every character outside [A-Za-z0-9.-] replaced by '_'.
std::string FileSafeName(std::string text);
// "<server>[+<mw>...]-<app>-<client>": the start of a finding's file name.
std::string ShortName(const models::ScenarioSpec& spec);

// The corpus entry of a finding on `spec`: named after the scenario, the
// property and the signature; `found_by` is a JSON object's text.
CorpusEntry CorpusEntryFor(const Finding& finding, const Target& target,
                           std::string found_by);

}  // namespace harness

#endif  // HANGUP_HARNESS_CORPUS_H_
