#include "sim/program.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/tape_source.h"

namespace sim {
namespace {

constexpr absl::string_view kTokenPrefix = "hangup1:";

}  // namespace

RunReport RunProgram(Program& program, ChoiceSource& source,
                     const ExecutorOptions& options) {
  RunReport report;
  RecordingSource recorder(source);
  {
    Executor executor(recorder, options);
    program.Start(executor);
    report.result = executor.Run();
    report.failure = program.Check(executor, report.result);
    if (options.record_trace) {
      // Kept as events; the text is made only when asked for (Timeline()).
      report.trace = std::make_shared<Trace>(std::move(executor.trace()));
      report.task_names = executor.task_names();
    }
  }
  program.Finish();
  report.choices = recorder.choices();
  report.tape = recorder.TakeTape();
  TrimTape(report.tape);
  return report;
}

RunReport ReplayTape(Program& program, const std::vector<uint8_t>& tape,
                     const ExecutorOptions& options) {
  TapeSource source(tape);
  return RunProgram(program, source, options);
}

void TrimTape(std::vector<uint8_t>& tape) {
  while (!tape.empty() && tape.back() == 0) tape.pop_back();
}

std::string ReplayToken::Encode() const {
  return absl::StrCat(kTokenPrefix, program, ":", TapeToHex(tape));
}

absl::StatusOr<ReplayToken> ReplayToken::Parse(absl::string_view text) {
  if (text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay token must start with '", kTokenPrefix, "', got '",
                     text.substr(0, 16), "'"));
  }
  text.remove_prefix(kTokenPrefix.size());
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        "replay token must be 'hangup1:<program>:<tape hex>' (missing "
        "program or ':' before the tape)");
  }
  ReplayToken token;
  token.program = std::string(text.substr(0, colon));
  auto tape = TapeFromHex(text.substr(colon + 1));
  if (!tape.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay token tape: ", tape.status().message()));
  }
  token.tape = *std::move(tape);
  return token;
}

}  // namespace sim
