#include "cli/output.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "check/properties.h"
#include "models/app/middleware.h"
#include "models/asgi/outcome.h"
#include "models/client/program.h"
#include "models/lang/catalog.h"
#include "models/server/presets.h"
#include "sim/strategy.h"
#include "sim/tape_source.h"
#include "sim/trace.h"

namespace cli {
namespace {

const char* ProtocolTag(models::Protocol p) {
  return p == models::Protocol::kHttp ? "HTTP" : "WebSocket";
}

// A catalog app or client: its file, and its parameters with defaults.
nlohmann::json ProgramJson(const models::lang::ProgramInfo& p) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, value] : p.defaults) params[name] = value;
  return {{"name", p.name},
          {"description", p.description},
          {"protocol", std::string(models::ProtocolName(p.protocol))},
          {"file", p.path},
          {"params", params}};
}

// The text lines of a catalog app or client: name, description, protocol;
// then its parameters (set them as NAME:key=value;key=value).
void PrintProgram(const models::lang::ProgramInfo& p) {
  std::printf("  %-26s %s [%s]\n", p.name.c_str(), p.description.c_str(),
              ProtocolTag(p.protocol));
  if (!p.params.empty()) {
    std::printf("  %-26s params: %s\n", "", p.params.c_str());
  }
}

nlohmann::json ListJson() {
  nlohmann::json j;
  for (const models::Preset& p : models::Presets()) {
    j["servers"].push_back({{"name", p.name},
                            {"description", p.description},
                            {"http", p.http},
                            {"websocket", p.websocket}});
  }
  for (const models::lang::ProgramInfo& a : models::lang::CatalogApps()) {
    j["apps"].push_back(ProgramJson(a));
  }
  for (const models::lang::ProgramInfo& m : models::lang::CatalogMiddleware()) {
    nlohmann::json entry = ProgramJson(m);
    entry.erase("protocol");  // a middleware serves either
    j["middleware"].push_back(entry);
  }
  for (const models::lang::ProgramInfo& c : models::lang::CatalogClients()) {
    j["clients"].push_back(ProgramJson(c));
  }
  for (const models::PolicyField& f : models::PolicyFields()) {
    j["policy_fields"].push_back({{"name", f.name},
                                  {"description", f.description},
                                  {"values", f.values}});
  }
  for (const check::PropertyInfo& p : check::Properties()) {
    j["properties"].push_back(
        {{"name", p.name}, {"meaning", p.meaning}, {"catches", p.bug_class}});
  }
  for (const sim::StrategyInfo& s : sim::Strategies()) {
    j["strategies"].push_back(
        {{"name", s.name}, {"description", s.description}});
  }
  return j;
}

void PrintModelsText() {
  std::printf("servers (--server):\n");
  for (const models::Preset& p : models::Presets()) {
    std::printf("  %-26s %s%s\n", p.name.c_str(), p.description.c_str(),
                p.http && p.websocket ? ""
                : p.http              ? " [HTTP]"
                                      : " [WebSocket]");
  }
  std::printf(
      "\napps (--app=NAME or NAME:param=value;param=value; files under "
      "catalog/apps/):\n");
  for (const models::lang::ProgramInfo& a : models::lang::CatalogApps()) {
    PrintProgram(a);
  }
  std::printf(
      "\nmiddleware (--middleware, repeatable, outermost first; files under "
      "catalog/middleware/):\n");
  for (const models::lang::ProgramInfo& m : models::lang::CatalogMiddleware()) {
    std::printf("  %-26s %s\n", m.name.c_str(), m.description.c_str());
  }
  std::printf(
      "\nclients (--client, as --app; files under catalog/clients/):\n");
  for (const models::lang::ProgramInfo& c : models::lang::CatalogClients()) {
    PrintProgram(c);
  }
  std::printf("\npolicy overrides (--FIELD=VALUE), by group:\n");
  const char* group = "";
  for (const models::PolicyField& f : models::PolicyFields()) {
    if (absl::string_view(f.doc_group) != group) {
      group = f.doc_group;
      std::printf("  %s:\n", group);
    }
    std::printf("    --%-24s %s%s%s\n", f.name, f.description,
                f.values.empty() ? "" : ": ",
                absl::StrJoin(f.values, "|").c_str());
  }
}

void PrintChecksText() {
  std::printf("\nproperties (--properties, default all):\n");
  for (const check::PropertyInfo& p : check::Properties()) {
    std::printf("  %-26s %s\n  %-26s catches: %s\n", p.name, p.meaning, "",
                p.bug_class);
  }
  std::printf("\nstrategies (--strategy):\n");
  for (const sim::StrategyInfo& s : sim::Strategies()) {
    std::printf("  %-26s %s\n", s.syntax, s.description);
  }
}

// "VERB property [signature] ...": the finding lines of a campaign.
std::string FindingHeadline(const harness::Finding& f) {
  return absl::StrCat(f.violation.property, " [", f.violation.signature, "]");
}

}  // namespace

int BadInput(absl::string_view command, const absl::Status& status) {
  std::fprintf(stderr, "hangup%s%s: %s\n", command.empty() ? "" : " ",
               std::string(command).c_str(),
               std::string(status.message()).c_str());
  return 2;
}

void PrintList(const OutputOptions& o) {
  if (o.json) {
    std::puts(ListJson().dump(2).c_str());
    return;
  }
  PrintModelsText();
  PrintChecksText();
}

void PrintRun(const check::CheckedScenario& s, const sim::RunReport& r,
              const OutputOptions& o) {
  const models::Outcome& out = s.outcome();
  if (o.json) {
    nlohmann::json j = {
        {"scenario", s.Name()},
        {"verdict", std::string(sim::RunVerdictName(r.result.verdict))},
        {"failure", r.failure},
        {"trace_hash", sim::HashToString(r.result.trace_hash)},
        {"steps", r.result.steps},
        {"tape", sim::TapeToHex(r.tape)},
        {"token", sim::ReplayToken{s.Name(), r.tape}.Encode()},
        {"outcome", nlohmann::json::parse(models::OutcomeToJson(out))}};
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("scenario: %s\n", s.Name().c_str());
  std::printf("timeline:\n%s\n", r.Timeline(o.steps).c_str());
  std::printf("outcome:\n%s", models::OutcomeToText(out).c_str());
  std::printf("run: %s after %lld steps, trace hash %s\n",
              std::string(sim::RunVerdictName(r.result.verdict)).c_str(),
              static_cast<long long>(r.result.steps),
              sim::HashToString(r.result.trace_hash).c_str());
  if (r.failed()) std::printf("VIOLATION: %s\n", r.failure.c_str());
  std::printf("reproduce: %s\n",
              harness::ReproduceLine(s.Name(), r.tape).c_str());
}

nlohmann::json FindingJson(const harness::Finding& f) {
  return {{"property", f.violation.property},
          {"signature", f.violation.signature},
          {"detail", f.violation.detail},
          {"scenario", f.scenario},
          {"run", f.run},
          {"tape", sim::TapeToHex(f.tape)},
          {"tape_bytes", f.tape.size()},
          {"unshrunk_tape_bytes", f.original_tape.size()},
          {"shrunk", f.shrunk},
          {"trace_hash", sim::HashToString(f.trace_hash)},
          {"reproduce", harness::ReproduceLine(f.scenario, f.tape)}};
}

void PrintFindingFound(const harness::Finding& f) {
  std::fprintf(stderr,
               "FINDING %s in %s (run %lld)\n  %s\n  reproduce "
               "(unshrunk): %s\n",
               FindingHeadline(f).c_str(), f.scenario.c_str(),
               static_cast<long long>(f.run), f.violation.detail.c_str(),
               harness::ReproduceLine(f.scenario, f.original_tape).c_str());
}

void PrintFindingShrunk(const harness::Finding& f) {
  std::fprintf(stderr, "SHRUNK %s: tape %zu -> %zu bytes\n  reproduce: %s\n",
               FindingHeadline(f).c_str(), f.original_tape.size(),
               f.tape.size(),
               harness::ReproduceLine(f.scenario, f.tape).c_str());
}

void PrintCampaign(const harness::CampaignResult& r, double seconds,
                   const OutputOptions& o) {
  if (o.json) {
    nlohmann::json j = {{"executions", r.executions},
                        {"seconds", seconds},
                        {"stopped_early", r.stopped},
                        {"findings", nlohmann::json::array()}};
    for (const harness::Finding& f : r.findings)
      j["findings"].push_back(FindingJson(f));
    std::puts(j.dump(2).c_str());
    return;
  }
  std::printf("\n%lld executions in %.1fs (%.0f/s)%s, %zu distinct findings\n",
              static_cast<long long>(r.executions), seconds,
              r.executions / std::max(seconds, 1e-9),
              r.stopped ? ", stopped early" : "", r.findings.size());
  for (const harness::Finding& f : r.findings) {
    const std::string shrunk =
        f.shrunk ? absl::StrCat(" (shrunk from ", f.original_tape.size(), ")")
                 : "";
    std::printf(
        "\n%s\n  scenario: %s\n  %s\n  found by run %lld; tape %zu "
        "bytes%s\n  reproduce: %s\n",
        FindingHeadline(f).c_str(), f.scenario.c_str(),
        f.violation.detail.c_str(), static_cast<long long>(f.run),
        f.tape.size(), shrunk.c_str(),
        harness::ReproduceLine(f.scenario, f.tape).c_str());
  }
}

namespace {

using BestFindings =
    std::map<std::string, std::map<std::string, const harness::Finding*>>;

// preset -> property -> its finding with the shortest tape.
BestFindings ShortestPerPresetAndProperty(const harness::CampaignResult& r) {
  BestFindings best;
  for (const harness::Finding& f : r.findings) {
    const std::string preset = models::ScenarioSpec::Parse(f.scenario)->server;
    const harness::Finding*& slot = best[preset][f.violation.property];
    if (slot == nullptr || f.tape.size() < slot->tape.size()) slot = &f;
  }
  return best;
}

void PrintTableRows(const std::vector<std::string>& props, BestFindings& best) {
  std::printf("%-26s", "preset \\ property");
  for (size_t i = 0; i < props.size(); ++i) std::printf(" %3zu", i + 1);
  std::printf("\n");
  for (const models::Preset& p : models::Presets()) {
    std::printf("%-26s", p.name.c_str());
    for (const std::string& prop : props) {
      std::printf(" %3s", best[p.name].count(prop) ? "X" : ".");
    }
    std::printf("\n");
  }
  std::printf("\nproperties: ");
  for (size_t i = 0; i < props.size(); ++i)
    std::printf("%s%zu %s", i ? ", " : "", i + 1, props[i].c_str());
  std::printf("\n");
}

void PrintShortestReproducers(const std::vector<std::string>& props,
                              BestFindings& best) {
  std::printf("\nshortest reproducer per preset and property:\n");
  for (const models::Preset& p : models::Presets()) {
    for (const std::string& prop : props) {
      auto it = best[p.name].find(prop);
      if (it == best[p.name].end()) continue;
      const harness::Finding& f = *it->second;
      std::printf("\n%s breaks %s [%s]\n  %s\n  reproduce: %s\n",
                  p.name.c_str(), prop.c_str(), f.violation.signature.c_str(),
                  f.violation.detail.c_str(),
                  harness::ReproduceLine(f.scenario, f.tape).c_str());
    }
  }
}

}  // namespace

void PrintFindingsTable(const harness::CampaignResult& r, size_t scenarios,
                        double seconds) {
  std::vector<std::string> props;
  for (const check::PropertyInfo& p : check::Properties())
    props.push_back(p.name);
  BestFindings best = ShortestPerPresetAndProperty(r);
  std::printf("%lld executions of %zu scenarios in %.1fs (%.0f/s)%s\n\n",
              static_cast<long long>(r.executions), scenarios, seconds,
              r.executions / std::max(seconds, 1e-9),
              r.stopped ? ", stopped early" : "");
  PrintTableRows(props, best);
  PrintShortestReproducers(props, best);
}

void PrintReplay(const harness::CorpusEntry& e, bool is_file,
                 const check::CheckedScenario& s, const sim::RunReport& r,
                 const Verdict& v, const OutputOptions& o) {
  const std::vector<check::Violation>& violations = s.violations();
  if (o.json) {
    nlohmann::json j = {
        {"name", e.name},
        {"scenario", s.Name()},
        {"trace_hash", sim::HashToString(r.result.trace_hash)},
        {"violations", nlohmann::json::array()},
        {"as_expected", v.ok()},
        {"outcome", nlohmann::json::parse(models::OutcomeToJson(s.outcome()))}};
    for (const check::Violation& x : violations) {
      j["violations"].push_back({{"property", x.property},
                                 {"signature", x.signature},
                                 {"detail", x.detail}});
    }
    if (!v.differs.empty()) j["differs"] = v.differs;
    if (!v.fixed_note.empty()) j["fixed"] = v.fixed_note;
    std::puts(j.dump(2).c_str());
    return;
  }
  if (is_file)
    std::printf("%s: %s\n  %s\n", e.name.c_str(), e.title.c_str(),
                e.link.c_str());
  PrintRun(s, r, o);
  for (size_t i = 1; i < violations.size(); ++i) {
    std::printf("also: %s\n", violations[i].ToString().c_str());
  }
  if (!v.fixed_note.empty()) std::printf("%s\n", v.fixed_note.c_str());
  if (is_file) {
    std::printf("verdict: %s\n",
                v.differs.empty()
                    ? "as expected"
                    : absl::StrCat("DIFFERS: ", v.differs).c_str());
  }
}

}  // namespace cli
