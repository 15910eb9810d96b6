// The input format of fuzz/scenario_fuzz.cc: byte 0 picks a scenario from a
// fixed list, the rest of the input is the decision tape (sim/choice.h).
//
//   input = [scenario index] [tape byte 0] [tape byte 1] ...
//
// Any byte string is a valid input: the index is taken modulo the list's
// size, an empty input is scenario 0 on the empty tape, and past its end the
// tape reads as zeros (sim::ReplayTape), the simplest choice. So the input
// file is the replay token: scenario FuzzScenarios()[data[0] % size]
// with tape data[1..] is `hangup replay hangup1:<spec>:<hex of data[1..]>`.
//
// The list is ordered and append-only. What stays stable is limited: with N
// entries, an input whose byte 0 is below N names entry byte 0, and keeps
// that meaning when entries are appended (the seeds written from corpus/ and
// the base seeds all start with such a byte); an input whose byte 0 is N or
// more names entry byte 0 % N, which changes whenever the list grows, so
// appending remaps those inputs (libFuzzer's mutations make many). Removing
// or reordering entries, or changing what a named preset, app or client
// does, changes what old inputs mean in any case. Corpus files
// (corpus/*.json) do not depend on the list: they name their scenario.
//
//   fuzz::FuzzInput in = fuzz::DecodeFuzzInput({data, size});
//   const char* spec = fuzz::FuzzScenarios()[in.scenario].spec;
//   std::vector<uint8_t> again = fuzz::EncodeFuzzInput(in.scenario, in.tape);
//
// Thread-safety: pure functions over immutable data.
#ifndef HANGUP_FUZZ_FUZZ_INPUT_H_
#define HANGUP_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "models/scenario.h"

namespace fuzz {

struct FuzzScenario {
  const char* spec;  // canonical (models::ScenarioSpec::ToString)
  // Tapes (hex, space-separated) whose violations count as known, besides
  // the all-zero tape's (fuzz/fuzz_runner.h): those of the scenario's corpus
  // entries, so that their seeds do not stop the fuzzer at once.
  const char* known_tapes;
};

// The scenarios, in index order (at most 256: one byte picks one).
absl::Span<const FuzzScenario> FuzzScenarios();

struct FuzzInput {
  size_t scenario = 0;        // index into FuzzScenarios()
  std::vector<uint8_t> tape;  // the decision tape
};

FuzzInput DecodeFuzzInput(absl::Span<const uint8_t> data);
// REQUIRES: scenario < FuzzScenarios().size().
std::vector<uint8_t> EncodeFuzzInput(size_t scenario,
                                     absl::Span<const uint8_t> tape);

// The index of `spec` (compared in canonical form), or nullopt when the list
// does not hold it.
std::optional<size_t> FindFuzzScenario(const models::ScenarioSpec& spec);

}  // namespace fuzz

#endif  // HANGUP_FUZZ_FUZZ_INPUT_H_
