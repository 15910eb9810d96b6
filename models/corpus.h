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
//    "found_by": {"strategy": "random", "seed": 0, "runs": 1}}  (optional)
//
//   absl::StatusOr<models::CorpusEntry> e = models::ParseCorpus(text,
//   "x.json"); std::string json = models::CorpusToJson(*e);
//
// Errors name the file, the field and what was expected.
// Thread-safety: pure functions.
#ifndef HANGUP_MODELS_CORPUS_H_
#define HANGUP_MODELS_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "models/scenario.h"

namespace models {

inline constexpr char kCorpusFormat[] = "hangup-corpus/1";

struct CorpusEntry {
  std::string name;
  std::string title;
  std::string link;
  std::string affected;
  std::string fixed;
  ScenarioSpec scenario;
  std::vector<uint8_t> tape;
  std::string expect_property;   // "" = the run must violate nothing
  std::string expect_signature;  // "" = any signature of that property
  std::string trace_hash;        // "" = not checked
  std::string fixed_scenario;    // "" = none; else must not violate
  std::string found_by;          // free-form JSON object text, kept as is
};

absl::StatusOr<CorpusEntry> ParseCorpus(absl::string_view text,
                                        absl::string_view file);
std::string CorpusToJson(const CorpusEntry& entry);

}  // namespace models

#endif  // HANGUP_MODELS_CORPUS_H_
