#include "harness/corpus.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/findings.h"
#include "harness/scenario_file.h"
#include "models/asgi/registry.h"
#include "nlohmann/json.hpp"
#include "sim/check.h"
#include "sim/tape_source.h"
#include "sim/trace.h"

namespace harness {

using models::ScenarioSpec;
namespace {

absl::Status FieldError(absl::string_view file, absl::string_view field,
                        absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ": field '", field, "': expected ", expected));
}

absl::StatusOr<std::string> GetString(const nlohmann::json& j,
                                      const char* field, absl::string_view file,
                                      bool required) {
  if (!j.contains(field)) {
    if (required)
      return FieldError(file, field, "a string (the field is missing)");
    return std::string();
  }
  if (!j[field].is_string()) return FieldError(file, field, "a string");
  return j[field].get<std::string>();
}

}  // namespace

namespace {

absl::StatusOr<nlohmann::json> ParseObject(absl::string_view text,
                                           absl::string_view file) {
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Re-parse with exceptions for the position of the error.
    try {
      nlohmann::json again = nlohmann::json::parse(text);
      (void)again;
    } catch (const nlohmann::json::parse_error& e) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, ": not valid JSON at byte ", e.byte, ": ", e.what()));
    }
    return absl::InvalidArgumentError(absl::StrCat(file, ": not valid JSON"));
  }
  if (!j.is_object())
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": expected a JSON object"));
  return j;
}

absl::Status ParseStrings(const nlohmann::json& j, absl::string_view file,
                          CorpusEntry& e) {
  struct {
    const char* field;
    std::string* out;
    bool required;
  } strings[] = {{"name", &e.name, true},
                 {"title", &e.title, true},
                 {"link", &e.link, true},
                 {"affected", &e.affected, false},
                 {"fixed", &e.fixed, false},
                 {"trace_hash", &e.trace_hash, false},
                 {"fixed_scenario", &e.fixed_scenario, false}};
  for (auto& s : strings) {
    auto v = GetString(j, s.field, file, s.required);
    if (!v.ok()) return v.status();
    *s.out = *v;
  }
  return absl::OkStatus();
}

// A scenario spec that parses and builds (every name known).
absl::StatusOr<ScenarioSpec> ParseScenarioField(const std::string& text,
                                                absl::string_view file,
                                                const char* field) {
  auto spec = ScenarioSpec::Parse(text);
  if (!spec.ok()) return FieldError(file, field, spec.status().message());
  auto built = models::Scenario::Create(*spec);
  if (!built.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": field '", field, "': ", built.status().message()));
  }
  return spec;
}

absl::Status ParseScenarios(const nlohmann::json& j, absl::string_view file,
                            CorpusEntry& e) {
  auto scenario = GetString(j, "scenario", file, true);
  if (!scenario.ok()) return scenario.status();
  if (!e.scenario_file.empty()) {
    // The embedded file gives the scenario (its programs may be inline, so
    // the one-line form alone does not build it); the line must match it.
    if (*scenario != e.scenario.ToString()) {
      return FieldError(file, "scenario",
                        absl::StrCat("the embedded scenario_file's scenario, '",
                                     e.scenario.ToString(), "'"));
    }
  } else {
    auto spec = ParseScenarioField(*scenario, file, "scenario");
    if (!spec.ok()) return spec.status();
    e.scenario = *spec;
  }
  if (!e.fixed_scenario.empty()) {
    auto fixed = ParseScenarioField(e.fixed_scenario, file, "fixed_scenario");
    if (!fixed.ok()) return fixed.status();
  }
  auto tape_hex = GetString(j, "tape", file, true);
  if (!tape_hex.ok()) return tape_hex.status();
  auto tape = sim::TapeFromHex(*tape_hex);
  if (!tape.ok()) return FieldError(file, "tape", tape.status().message());
  e.tape = *tape;
  return absl::OkStatus();
}

absl::Status ParseExpect(const nlohmann::json& j, absl::string_view file,
                         CorpusEntry& e) {
  if (!j.contains("expect") || !j["expect"].is_object()) {
    return FieldError(file, "expect",
                      "an object {\"property\": NAME, \"signature\": SIG} or "
                      "{\"property\": null}");
  }
  const nlohmann::json& expect = j["expect"];
  if (!expect.contains("property") ||
      !(expect["property"].is_string() || expect["property"].is_null())) {
    return FieldError(file, "expect.property",
                      "a property name or null (no violation)");
  }
  if (expect["property"].is_string()) {
    e.expect_property = expect["property"].get<std::string>();
    const bool own = std::any_of(e.properties.expectations.begin(),
                                 e.properties.expectations.end(),
                                 [&](const check::Expectation& x) {
                                   return x.name == e.expect_property;
                                 });
    if (check::FindProperty(e.expect_property) == nullptr && !own) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": field 'expect.property': ",
                       models::UnknownNameMessage("property", e.expect_property,
                                                  check::Properties()),
                       "; or null for no violation"));
    }
  }
  if (expect.contains("signature")) {
    if (!expect["signature"].is_string())
      return FieldError(file, "expect.signature", "a string");
    e.expect_signature = expect["signature"].get<std::string>();
  }
  return absl::OkStatus();
}

// "scenario_file": the YAML text of a scenario file, which must give the
// entry's scenario.
absl::Status ParseEmbeddedFile(const nlohmann::json& j, absl::string_view file,
                               CorpusEntry& e) {
  auto text = GetString(j, "scenario_file", file, false);
  if (!text.ok()) return text.status();
  if (text->empty()) return absl::OkStatus();
  absl::StatusOr<ScenarioFile> f =
      ParseScenarioFile(*text, absl::StrCat(file, "#scenario_file"));
  if (!f.ok()) return f.status();
  f->path = std::string(file);  // tokens name the corpus file itself
  e.scenario = f->spec;
  e.scenario_file = *text;
  e.properties = f->properties;
  e.program = f->Program();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CorpusEntry> ParseCorpus(absl::string_view text,
                                        absl::string_view file) {
  absl::StatusOr<nlohmann::json> parsed = ParseObject(text, file);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& j = *parsed;
  auto format = GetString(j, "format", file, true);
  if (!format.ok()) return format.status();
  if (*format != kCorpusFormat) {
    return FieldError(
        file, "format",
        absl::StrCat("\"", kCorpusFormat, "\", got \"", *format, "\""));
  }
  CorpusEntry e;
  SIM_RETURN_IF_ERROR(ParseStrings(j, file, e));
  SIM_RETURN_IF_ERROR(ParseEmbeddedFile(j, file, e));
  SIM_RETURN_IF_ERROR(ParseScenarios(j, file, e));
  SIM_RETURN_IF_ERROR(ParseExpect(j, file, e));
  if (j.contains("found_by")) e.found_by = j["found_by"].dump();
  return e;
}

std::string CorpusToJson(const CorpusEntry& e) {
  nlohmann::ordered_json j;
  j["format"] = kCorpusFormat;
  j["name"] = e.name;
  j["title"] = e.title;
  j["link"] = e.link;
  if (!e.affected.empty()) j["affected"] = e.affected;
  if (!e.fixed.empty()) j["fixed"] = e.fixed;
  j["scenario"] = e.scenario.ToString();
  j["tape"] = sim::TapeToHex(e.tape);
  nlohmann::ordered_json expect;
  if (e.expect_property.empty()) {
    expect["property"] = nullptr;
  } else {
    expect["property"] = e.expect_property;
    if (!e.expect_signature.empty()) expect["signature"] = e.expect_signature;
  }
  j["expect"] = expect;
  if (!e.trace_hash.empty()) j["trace_hash"] = e.trace_hash;
  if (!e.fixed_scenario.empty()) j["fixed_scenario"] = e.fixed_scenario;
  if (!e.found_by.empty())
    j["found_by"] = nlohmann::ordered_json::parse(e.found_by);
  if (!e.scenario_file.empty()) j["scenario_file"] = e.scenario_file;
  return j.dump(2) + "\n";
}

std::string CorpusMismatch(const CorpusEntry& e,
                           const std::vector<check::Violation>& violations,
                           uint64_t trace_hash) {
  std::vector<std::string> got;
  for (const check::Violation& v : violations) {
    got.push_back(absl::StrCat(v.property, " [", v.signature, "]"));
  }
  const std::string got_text =
      got.empty() ? "no violation" : absl::StrJoin(got, ", ");
  if (e.expect_property.empty() && !violations.empty()) {
    return absl::StrCat("expected no violation, got ", got_text);
  }
  if (!e.expect_property.empty() &&
      !check::HasViolation(violations, e.expect_property, e.expect_signature)) {
    return absl::StrCat("expected ", e.expect_property, " [",
                        e.expect_signature.empty() ? "any" : e.expect_signature,
                        "], got ", got_text);
  }
  const std::string hash = sim::HashToString(trace_hash);
  if (!e.trace_hash.empty() && hash != e.trace_hash) {
    return absl::StrCat("expected trace hash ", e.trace_hash, ", got ", hash);
  }
  return "";
}

std::string FixedVersionMismatch(const CorpusEntry& e,
                                 const check::PropertyOptions& properties) {
  if (e.fixed_scenario.empty() || e.expect_property.empty()) return "";
  absl::StatusOr<ScenarioSpec> fixed = ScenarioSpec::Parse(e.fixed_scenario);
  if (!fixed.ok()) {
    return absl::StrCat("fixed_scenario: ", fixed.status().message());
  }
  absl::StatusOr<Replayed> replayed =
      ReplaySpec(*fixed, e.tape, CorpusTarget(e, properties).properties);
  if (!replayed.ok()) {
    return absl::StrCat("fixed_scenario: ", replayed.status().message());
  }
  if (!check::HasViolation(replayed->violations, e.expect_property)) return "";
  return absl::StrCat("the fixed version (", e.fixed_scenario,
                      ") still violates ", e.expect_property);
}

Target CorpusTarget(const CorpusEntry& e,
                    const check::PropertyOptions& properties) {
  if (e.scenario_file.empty()) return Target{e.scenario, properties, ""};
  return Target{e.scenario, e.properties, e.program};
}

absl::StatusOr<CorpusEntry> ReadCorpusFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path,
                     ": cannot read (expected a corpus file or a token "
                     "starting with hangup1:)"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseCorpus(ss.str(), path);
}

namespace {

// A temporary file in the same directory, then rename.
bool WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    out.flush();
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

absl::StatusOr<std::string> WriteCorpusFile(const std::string& dir,
                                            const CorpusEntry& e) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = absl::StrCat(dir, "/", e.name, ".json");
  if (!WriteFileAtomically(path, CorpusToJson(e))) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return path;
}

std::string FileSafeName(std::string s) {
  for (char& c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
      c = '_';
  }
  return s;
}

std::string ShortName(const ScenarioSpec& spec) {
  std::string out = spec.server;
  for (const std::string& m : spec.middleware) absl::StrAppend(&out, "+", m);
  absl::StrAppend(&out, "-", spec.app, "-", spec.client);
  return out;
}

CorpusEntry CorpusEntryFor(const Finding& f, const Target& target,
                           std::string found_by) {
  const ScenarioSpec& spec = target.spec;
  CorpusEntry e;
  std::string stem = ShortName(spec);
  e.link = "found by hangup explore";
  if (IsFileProgram(target.program)) {
    // Embed the scenario file, and name the entry after it.
    absl::StatusOr<ScenarioFile> file = ReadFileProgram(target.program);
    if (file.ok()) {
      e.scenario_file = file->text;
      e.properties = file->properties;
      e.program = target.program;
      stem = file->name;
      if (!file->link.empty()) e.link = file->link;
    }
  }
  e.name = FileSafeName(absl::StrCat(stem, "-", f.violation.property, "-",
                                     f.violation.signature));
  e.title = f.violation.detail;
  e.scenario = spec;
  e.tape = f.tape;
  e.expect_property = f.violation.property;
  e.expect_signature = f.violation.signature;
  e.trace_hash = sim::HashToString(f.trace_hash);
  e.found_by = std::move(found_by);
  return e;
}

}  // namespace harness
