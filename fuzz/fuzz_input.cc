#include "fuzz/fuzz_input.h"

#include "sim/check.h"

namespace fuzz {
namespace {

// APPEND ONLY: an input's first byte is an index into this list, modulo its
// size (the header says which inputs keep their meaning when it grows).
// Specs are in canonical form (ScenarioSpec::ToString). Known tapes: the
// tapes of the corpus entries for the scenario that need more than the
// all-zero tape, so their seeds do not stop the fuzzer at once
// (fuzz_corpus_replay fails until they are listed here), and the tapes of
// findings already triaged (README, "Fuzzing"): uvicorn+uvloop's
// closed-transport RuntimeError in the window after a failed write (0.28.0,
// 0.51); hypercorn 0.18.0's 1006 for a clean 1000; ref-result's SendResult
// claiming delivery (the strategy's flaw, by design); the asgiref#405 leak
// through fastapi#2370's app; Starlette's "No response returned." when the
// inner app returns without a response under BaseHTTPMiddleware.
constexpr FuzzScenario kScenarios[] = {
    // 0-18: the scenarios of the corpus (corpus/*.json), in file-name order,
    // so every known bug seeds the fuzzer.
    {"server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-close-1000", ""},
    {"server=daphne-4.0.0,app=cleanup-background,client=http-full", ""},
    {"server=daphne-4.0.0,app=ws-tight-push,client=ws-close-1000", ""},
    {"server=uvicorn-0.17.6-websockets,app=ws-reader-producer,"
     "client=ws-close-1000",
     "00010302"},
    {"server=granian-2.8,app=sse-idle,client=http-fin-after-1", ""},
    {"server=hypercorn-0.13.2,app=ws-close-then-send,client=ws-normal", ""},
    {"server=hypercorn-0.13.2,app=long-poll,client=http-fin-after-1", ""},
    {"server=hypercorn-0.13.2,app=ws-close-on-disconnect,client=ws-close-1000",
     ""},
    {"server=uvicorn-0.17.6-websockets,app=ws-close-on-disconnect,"
     "client=ws-close-1000",
     ""},
    {"server=uvicorn-0.17.6-h11,mw=base-http-0.20,app=cleanup-background,"
     "client=http-fin-after-5",
     "00000103"},
    {"server=uvicorn-0.17.6-h11,mw=base-http,app=disconnect-poller,"
     "client=http-close-at-random",
     ""},
    {"server=uvicorn-0.17.6-h11,mw=base-http,app=cleanup-background,"
     "client=http-full",
     ""},
    {"server=uvicorn-0.17.6-wsproto,app=ws-slow-accept,"
     "client=ws-rst-before-accept",
     ""},
    {"server=uvicorn-0.28.0,app=stream-taskgroup,client=http-close-at-random",
     "01000101"},
    {"server=uvicorn-0.17.6-wsproto,app=ws-push,client=ws-close-1000", ""},
    {"server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-fin", ""},
    {"server=uvicorn-0.17.6-wsproto,app=ws-close-on-disconnect,client=ws-fin",
     ""},
    {"server=uvicorn-0.17.6-wsproto,app=ws-bulk-push,client=ws-stall-then-rst",
     ""},
    {"server=uvicorn-0.17.6-wsproto,app=ws-close-on-disconnect,client=ws-rst",
     ""},
    // 19-29: current server releases, with clients whose close time and kind
    // come from the tape, so the interleaving is the fuzzer's to pick.
    {"server=uvicorn-0.51-h11,app=stream-with-listener,"
     "client=http-close-at-random",
     "01000103"},
    {"server=uvicorn-0.51-h11,app=stream-taskgroup,client=http-close-at-random",
     "01000101"},
    {"server=uvicorn-0.51-h11,app=receive-after-disconnect,"
     "client=http-fin-after-request",
     ""},
    {"server=uvicorn-0.51-h11,app=send-after-complete,client=http-full", ""},
    {"server=uvicorn-0.51-h11,app=bulk-stream,client=http-slow-then-rst", ""},
    {"server=uvicorn-0.51-sansio,app=ws-push,client=ws-close-at-random", ""},
    {"server=uvicorn-0.51-sansio,app=ws-reader-producer,"
     "client=ws-close-at-random",
     ""},
    {"server=uvicorn-0.51-wsproto,app=ws-close-on-disconnect,"
     "client=ws-close-at-random",
     ""},
    {"server=uvicorn-0.51-wsproto,app=ws-bulk-push,client=ws-stall-then-rst",
     ""},
    {"server=hypercorn-0.18.0,app=sse-stream,client=http-close-at-random", ""},
    {"server=hypercorn-0.18.0,app=ws-receive-after-close,"
     "client=ws-close-at-random",
     "0102"},
    // 30-33: older releases and other servers under random closes.
    {"server=daphne-4.0.0,app=ws-reader-producer,client=ws-close-at-random",
     ""},
    {"server=granian-2.8,app=stream-with-listener,client=http-close-at-random",
     ""},
    {"server=granian-2.8-ws,app=ws-push,client=ws-close-at-random", ""},
    {"server=uvicorn-0.17.6-httptools,app=catch-oserror,"
     "client=http-rst-after-1",
     ""},
    // 34-41: the reference servers (one per send-after-close design), which
    // should violate nothing: anything found here is a design finding.
    {"server=ref-noop,app=stream-with-listener,client=http-close-at-random",
     ""},
    {"server=ref-raise,app=stream-taskgroup,client=http-close-at-random", ""},
    {"server=ref-raise-and-catch,app=stream-taskgroup,"
     "client=http-close-at-random",
     ""},
    {"server=ref-result,app=check-results,client=http-close-at-random",
     "00050002"},
    {"server=ref-future,app=check-results,client=http-close-at-random", ""},
    {"server=ref-raise-and-catch,app=ws-reader-producer,"
     "client=ws-close-at-random",
     ""},
    {"server=ref-future,app=ws-push,client=ws-close-at-random", ""},
    {"server=ref-raise-and-catch,mw=base-http,app=stream-with-listener,"
     "client=http-close-at-random",
     "00000000010101"},
};
constexpr size_t kNumScenarios = sizeof(kScenarios) / sizeof(kScenarios[0]);
static_assert(kNumScenarios <= 256, "one input byte picks the scenario");

}  // namespace

absl::Span<const FuzzScenario> FuzzScenarios() { return kScenarios; }

FuzzInput DecodeFuzzInput(absl::Span<const uint8_t> data) {
  FuzzInput in;
  if (data.empty()) return in;
  in.scenario = data[0] % kNumScenarios;
  in.tape.assign(data.begin() + 1, data.end());
  return in;
}

std::vector<uint8_t> EncodeFuzzInput(size_t scenario,
                                     absl::Span<const uint8_t> tape) {
  SIM_CHECK(scenario < kNumScenarios)
      << "fuzz scenario index " << scenario << " out of range [0, "
      << kNumScenarios << ")";
  std::vector<uint8_t> out;
  out.reserve(tape.size() + 1);
  out.push_back(static_cast<uint8_t>(scenario));
  out.insert(out.end(), tape.begin(), tape.end());
  return out;
}

std::optional<size_t> FindFuzzScenario(const models::ScenarioSpec& spec) {
  const std::string want = spec.ToString();
  for (size_t i = 0; i < kNumScenarios; ++i) {
    absl::StatusOr<models::ScenarioSpec> s =
        models::ScenarioSpec::Parse(kScenarios[i].spec);
    if (s.ok() && s->ToString() == want) return i;
  }
  return std::nullopt;
}

}  // namespace fuzz
