#include "harness/scenario_file.h"

#include <fstream>
#include <mutex>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "harness/corpus.h"
#include "harness/findings.h"
#include "models/asgi/py_exceptions.h"
#include "models/asgi/registry.h"
#include "models/asgi/suggest.h"
#include "models/lang/catalog.h"
#include "models/lang/program_parser.h"
#include "models/lang/yaml_reader.h"
#include "models/server/policy.h"
#include "models/server/presets.h"
#include "sim/check.h"
#include "yaml-cpp/yaml.h"

namespace harness {
namespace {

using models::lang::ReadCount;
using models::lang::ReadDuration;
using models::lang::ReadName;
using models::lang::YamlReader;

const std::vector<std::string> kTopKeys = {
    "format", "name",   "title",  "link",   "server",     "middleware",
    "app",    "client", "linger", "bounds", "properties", "expect"};
const std::vector<std::string> kBoundKeys = {"receive", "app-end", "log-lines"};

// server: NAME, or {preset: NAME, <policy field>: VALUE, ...}.
absl::Status ParseServer(const YamlReader& r, const YAML::Node& n,
                         models::ScenarioSpec& spec) {
  absl::Span<const models::Preset> presets = models::Presets();
  if (n.IsScalar())
    return ReadName(r, n, "server", "server", presets, &spec.server);
  std::vector<std::string> allowed = {"preset"};
  for (const models::PolicyField& f : models::PolicyFields()) {
    allowed.push_back(f.name);
  }
  SIM_RETURN_IF_ERROR(r.Keys(n, "server", allowed));
  if (!n["preset"]) {
    return r.At(n, "server.preset", "is missing (the server preset's name)");
  }
  SIM_RETURN_IF_ERROR(ReadName(r, n["preset"], "server.preset", "server",
                               presets, &spec.server));
  models::ServerPolicy scratch = models::FindPreset(spec.server)->policy;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "preset") continue;
    const std::string field = absl::StrCat("server.", key);
    absl::StatusOr<std::string> value =
        r.Scalar(it->second, field, "a policy value");
    if (!value.ok()) return value.status();
    absl::Status set = models::SetPolicyField(scratch, key, *value);
    if (!set.ok()) return r.At(it->second, field, set.message());
    spec.overrides.emplace_back(key, *value);
  }
  return absl::OkStatus();
}

// A middleware name written in a file, as a string that outlives every
// outcome that records it (SendRecord::from): interned once per name, from
// any thread (campaigns read files from several).
const char* Intern(const std::string& name) {
  static std::mutex mu;
  static auto* names = new std::set<std::string>;
  std::lock_guard<std::mutex> lock(mu);
  return names->insert(name).first->c_str();
}

absl::Status ParseMiddleware(const YamlReader& r, const YAML::Node& n,
                             models::ScenarioSpec& spec) {
  if (!n.IsSequence()) {
    return r.At(n, "middleware",
                absl::StrCat("expected a list of middleware names or "
                             "programs, outermost first, got ",
                             YamlReader::KindName(n)));
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string field = absl::StrCat("middleware[", i, "]");
    if (n[i].IsMap()) {  // a middleware program written here
      models::lang::ParseContext c(r, field);
      absl::StatusOr<std::shared_ptr<models::AppProgram>> p =
          models::lang::ParseMiddlewareProgram(c, n[i], {});
      if (!p.ok()) return p.status();
      spec.middleware.push_back((*p)->name.empty() ? "inline-middleware"
                                                   : (*p)->name);
      (*p)->sender = Intern(spec.middleware.back());
      spec.middleware_programs.resize(spec.middleware.size());
      spec.middleware_programs.back() = *std::move(p);
      continue;
    }
    std::string name;
    SIM_RETURN_IF_ERROR(ReadName(r, n[i], field, "middleware",
                                 models::lang::CatalogMiddleware(), &name));
    spec.middleware.push_back(name);
  }
  return absl::OkStatus();
}

absl::Status ParseBounds(const YamlReader& r, const YAML::Node& n,
                         check::PropertyOptions& p) {
  SIM_RETURN_IF_ERROR(r.Keys(n, "bounds", kBoundKeys));
  if (n["receive"]) {
    absl::StatusOr<sim::Duration> d =
        ReadDuration(r, n["receive"], "bounds.receive");
    if (!d.ok()) return d.status();
    p.receive_bound = *d;
  }
  if (n["app-end"]) {
    absl::StatusOr<sim::Duration> d =
        ReadDuration(r, n["app-end"], "bounds.app-end");
    if (!d.ok()) return d.status();
    p.app_end_bound = *d;
  }
  if (n["log-lines"]) {
    absl::StatusOr<int64_t> c =
        ReadCount(r, n["log-lines"], "bounds.log-lines", 1'000'000);
    if (!c.ok()) return c.status();
    p.log_lines_bound = static_cast<int>(*c);
  }
  return absl::OkStatus();
}

absl::Status ParseProperties(const YamlReader& r, const YAML::Node& n,
                             check::PropertyOptions& p) {
  if (!n.IsSequence()) {
    return r.At(n, "properties",
                absl::StrCat("expected a list of property names, got ",
                             YamlReader::KindName(n)));
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    std::string name;
    SIM_RETURN_IF_ERROR(ReadName(r, n[i], absl::StrCat("properties[", i, "]"),
                                 "property", check::Properties(), &name));
    names.push_back(name);
  }
  if (names.empty()) {
    return r.At(n, "properties",
                "is empty (leave it out to check every property)");
  }
  p.only = *check::PropertySet::FromNames(names);
  return absl::OkStatus();
}

absl::Status ParseLevel(const YamlReader& r, const YAML::Node& n,
                        absl::string_view field, models::LogLevel& out) {
  absl::StatusOr<std::string> text =
      r.Scalar(n, field, "a level: DEBUG, INFO, WARNING or ERROR");
  if (!text.ok()) return text.status();
  for (models::LogLevel l :
       {models::LogLevel::kDebug, models::LogLevel::kInfo,
        models::LogLevel::kWarning, models::LogLevel::kError}) {
    if (absl::AsciiStrToUpper(*text) == models::LogLevelName(l)) {
      out = l;
      return absl::OkStatus();
    }
  }
  return r.At(n, field,
              absl::StrCat("expected a level: DEBUG, INFO, WARNING or ERROR, "
                           "got '",
                           *text, "'"));
}

absl::Status ParseExceptionClass(const YamlReader& r, const YAML::Node& n,
                                 absl::string_view field, std::string& out) {
  absl::StatusOr<std::string> text =
      r.Scalar(n, field, "a Python exception class name");
  if (!text.ok()) return text.status();
  const absl::Span<const char* const> names = py::TypeNames();
  for (const char* name : names) {
    if (*text == name) {
      out = *text;
      return absl::OkStatus();
    }
  }
  return r.At(
      n, field,
      absl::StrCat("unknown exception class '", *text,
                   "' (expected one of: ", absl::StrJoin(names, ", "), ")",
                   models::DidYouMean(*text, std::vector<std::string>(
                                                 names.begin(), names.end()))));
}

// The value of one expectation kind.
absl::Status ParseExpectationValue(const YamlReader& r, const YAML::Node& v,
                                   const std::string& field,
                                   check::Expectation& e) {
  using check::ExpectationKind;
  switch (e.kind) {
    case ExpectationKind::kAppEndsWithin:
    case ExpectationKind::kDisconnectWithin: {
      absl::StatusOr<sim::Duration> d = ReadDuration(r, v, field);
      if (!d.ok()) return d.status();
      e.bound = *d;
      return absl::OkStatus();
    }
    case ExpectationKind::kNoLogAtOrAbove:
      return ParseLevel(r, v, field, e.level);
    case ExpectationKind::kSendAfterCloseRaises:
      return ParseExceptionClass(r, v, field, e.exception);
    case ExpectationKind::kSendAfterCloseReturns: {
      absl::StatusOr<std::string> yes = r.Scalar(v, field, "yes");
      if (!yes.ok()) return yes.status();
      if (*yes != "yes" && *yes != "true") {
        return r.At(v, field, absl::StrCat("expected yes, got '", *yes, "'"));
      }
      return absl::OkStatus();
    }
    case ExpectationKind::kClientGetsAtLeast: {
      absl::StatusOr<int64_t> c = ReadCount(r, v, field, 1'000'000);
      if (!c.ok()) return c.status();
      e.count = *c;
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

bool SafeName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.' || c == '_'))
      return false;
  }
  return true;
}

// One `expect` entry: {name: NAME, <kind>: VALUE}; the name defaults to
// the kind's key.
absl::StatusOr<check::Expectation> ParseExpectation(const YamlReader& r,
                                                    const YAML::Node& n,
                                                    const std::string& field) {
  const absl::Span<const char* const> keys = check::ExpectationKeys();
  std::vector<std::string> allowed(keys.begin(), keys.end());
  allowed.push_back("name");
  SIM_RETURN_IF_ERROR(r.Keys(n, field, allowed));
  check::Expectation e;
  YAML::Node value;  // a copy: the iterator hands out a temporary pair
  bool found = false;
  std::string kind_key;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "name") continue;
    if (found) {
      return r.At(it->first, absl::StrCat(field, ".", key),
                  absl::StrCat("one expectation per entry (this one already "
                               "has ",
                               kind_key, ")"));
    }
    kind_key = key;
    value = it->second;
    found = true;
    e.kind = static_cast<check::ExpectationKind>(
        std::find(keys.begin(), keys.end(), key) - keys.begin());
  }
  if (!found) {
    return r.At(n, field,
                absl::StrCat("needs one of: ", absl::StrJoin(keys, ", ")));
  }
  SIM_RETURN_IF_ERROR(
      ParseExpectationValue(r, value, absl::StrCat(field, ".", kind_key), e));
  e.name = kind_key;
  if (n["name"]) {
    absl::StatusOr<std::string> name =
        r.Scalar(n["name"], field + ".name", "a name of [A-Za-z0-9._-]");
    if (!name.ok()) return name.status();
    if (!SafeName(*name)) {
      return r.At(
          n["name"], field + ".name",
          absl::StrCat("expected a name of [A-Za-z0-9._-], got '", *name, "'"));
    }
    e.name = *name;
  }
  if (check::FindProperty(e.name) != nullptr) {
    return r.At(n, field,
                absl::StrCat("the name '", e.name,
                             "' is a built-in property's; give it another"));
  }
  return e;
}

absl::Status ParseExpect(const YamlReader& r, const YAML::Node& n,
                         check::PropertyOptions& p) {
  if (!n.IsSequence()) {
    return r.At(n, "expect",
                absl::StrCat("expected a list of expectations, got ",
                             YamlReader::KindName(n)));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string field = absl::StrCat("expect[", i, "]");
    absl::StatusOr<check::Expectation> e = ParseExpectation(r, n[i], field);
    if (!e.ok()) return e.status();
    if (!names.insert(e->name).second) {
      return r.At(n[i], field,
                  absl::StrCat("the name '", e->name,
                               "' is used twice (give each its own name)"));
    }
    p.expectations.push_back(*std::move(e));
  }
  return absl::OkStatus();
}

absl::Status ParseStrings(const YamlReader& r, const YAML::Node& root,
                          ScenarioFile& f) {
  if (!root["format"]) {
    return r.At(
        root, "format",
        absl::StrCat("is missing (expected \"", kScenarioFormat, "\")"));
  }
  absl::StatusOr<std::string> format = r.Scalar(
      root["format"], "format", absl::StrCat("\"", kScenarioFormat, "\""));
  if (!format.ok()) return format.status();
  if (*format != kScenarioFormat) {
    return r.At(root["format"], "format",
                absl::StrCat("expected \"", kScenarioFormat, "\", got \"",
                             *format, "\""));
  }
  for (auto [key, out] : {std::pair<const char*, std::string*>{"name", &f.name},
                          {"title", &f.title},
                          {"link", &f.link},
                          {"linger", &f.spec.linger}}) {
    if (!root[key]) continue;
    absl::StatusOr<std::string> v = r.Scalar(root[key], key, "a string");
    if (!v.ok()) return v.status();
    *out = *v;
  }
  if (!f.name.empty() && !SafeName(f.name)) {
    return r.At(
        root["name"], "name",
        absl::StrCat("expected a name of [A-Za-z0-9._-], got '", f.name, "'"));
  }
  if (!f.spec.linger.empty() && !models::ParseDuration(f.spec.linger)) {
    return r.At(root["linger"], "linger",
                absl::StrCat("expected a duration like 500ms or 2s, got '",
                             f.spec.linger, "'"));
  }
  return absl::OkStatus();
}

// app: or client:, as a catalog name with parameters ("ws-push:messages=5"),
// {use: NAME, with: {param: value}}, or a program written inline.
template <class Program>
absl::Status ParseProgram(const YamlReader& r, const YAML::Node& n,
                          models::ScenarioSpec& spec) {
  constexpr bool kApp = std::is_same_v<Program, models::AppProgram>;
  const char* field = kApp ? "app" : "client";
  std::string& name = kApp ? spec.app : spec.client;
  auto resolve = [&](const std::string& ref) -> absl::Status {
    absl::Status st = kApp ? models::lang::ResolveApp(ref).status()
                           : models::lang::ResolveClient(ref).status();
    if (!st.ok()) return r.At(n, field, st.message());
    name = ref;
    return absl::OkStatus();
  };
  if (n.IsScalar()) return resolve(n.Scalar());
  if (n.IsMap() && n["use"]) {
    SIM_RETURN_IF_ERROR(r.Keys(n, field, {"use", "with"}));
    models::lang::ProgramRef ref;
    absl::StatusOr<std::string> use =
        r.Scalar(n["use"], YamlReader::Join(field, "use"), "a catalog name");
    if (!use.ok()) return use.status();
    ref.name = *use;
    if (const YAML::Node with = n["with"]) {
      if (!with.IsMap()) {
        return r.At(with, YamlReader::Join(field, "with"),
                    "expected a map of parameter: value");
      }
      for (auto it = with.begin(); it != with.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar() || !value.IsScalar()) {
          return r.At(key, YamlReader::Join(field, "with"),
                      "expected parameter: scalar value");
        }
        ref.params.emplace_back(key.Scalar(), value.Scalar());
      }
    }
    return resolve(models::lang::RefToString(ref));
  }
  if (!n.IsMap()) {
    return r.At(n, field,
                absl::StrCat("expected a catalog name, {use: NAME, with: "
                             "{...}} or a program {steps: [...]}, got ",
                             YamlReader::KindName(n)));
  }
  models::lang::ParseContext c(r, field);
  if constexpr (kApp) {
    absl::StatusOr<std::shared_ptr<models::AppProgram>> p =
        models::lang::ParseAppProgram(c, n, {});
    if (!p.ok()) return p.status();
    name = (*p)->name.empty() ? "inline" : (*p)->name;
    spec.app_program = *std::move(p);
  } else {
    absl::StatusOr<std::shared_ptr<models::ClientProgram>> p =
        models::lang::ParseClientProgram(c, n, {});
    if (!p.ok()) return p.status();
    name = (*p)->name.empty() ? "inline" : (*p)->name;
    spec.client_program = *std::move(p);
  }
  return absl::OkStatus();
}

absl::Status ParseParts(const YamlReader& r, const YAML::Node& root,
                        ScenarioFile& f) {
  for (const char* key : {"server", "app", "client"}) {
    if (!root[key]) return r.At(root, key, "is missing");
  }
  SIM_RETURN_IF_ERROR(ParseServer(r, root["server"], f.spec));
  if (root["middleware"]) {
    SIM_RETURN_IF_ERROR(ParseMiddleware(r, root["middleware"], f.spec));
  }
  SIM_RETURN_IF_ERROR(ParseProgram<models::AppProgram>(r, root["app"], f.spec));
  SIM_RETURN_IF_ERROR(
      ParseProgram<models::ClientProgram>(r, root["client"], f.spec));
  if (root["bounds"]) {
    SIM_RETURN_IF_ERROR(ParseBounds(r, root["bounds"], f.properties));
  }
  if (root["properties"]) {
    SIM_RETURN_IF_ERROR(ParseProperties(r, root["properties"], f.properties));
  }
  if (root["expect"]) {
    SIM_RETURN_IF_ERROR(ParseExpect(r, root["expect"], f.properties));
  }
  // What only the whole scenario can say (a client of the other protocol,
  // a server that does not serve it).
  auto built = models::Scenario::Create(f.spec);
  if (!built.ok())
    return r.At(root["client"], "client", built.status().message());
  return absl::OkStatus();
}

std::string StemOf(absl::string_view path) {
  const size_t slash = path.rfind('/');
  absl::string_view base =
      slash == absl::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.rfind('.');
  return std::string(dot == absl::string_view::npos ? base
                                                    : base.substr(0, dot));
}

}  // namespace

std::string ScenarioFile::Program() const {
  const std::string encoded = absl::StrReplaceAll(
      path, {{"%", "%25"}, {" ", "%20"}, {"\t", "%09"}, {"\n", "%0A"}});
  return absl::StrCat("file=", encoded, "@", content_hash);
}

absl::StatusOr<ScenarioFile> ParseScenarioFile(absl::string_view text,
                                               absl::string_view path) {
  const YamlReader r(path);
  if (text.size() > kMaxScenarioFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", text.size(), " bytes; a scenario file is at ",
                     "most ", kMaxScenarioFileBytes, " bytes"));
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return r.AtMark(e.mark, "(syntax)",
                    absl::StrCat("not valid YAML: ", e.msg));
  }
  if (docs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": the file is empty (expected a map of fields: format, "
                     "server, app, client, ...)"));
  }
  if (docs.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected one YAML document, got ", docs.size()));
  }
  const YAML::Node& root = docs[0];
  if (!root.IsMap()) {
    return r.At(root, "(top)",
                absl::StrCat("expected a map of fields (format, server, app, "
                             "client, ...), got ",
                             YamlReader::KindName(root)));
  }
  ScenarioFile f;
  f.path = std::string(path);
  f.content_hash = absl::StrFormat("%016x", Fnv1a(text));
  f.text = std::string(text);
  try {
    SIM_RETURN_IF_ERROR(r.Keys(root, "", kTopKeys));
    SIM_RETURN_IF_ERROR(ParseStrings(r, root, f));
    SIM_RETURN_IF_ERROR(ParseParts(r, root, f));
  } catch (const YAML::Exception& e) {
    return r.AtMark(e.mark, "(structure)", e.msg);
  }
  if (f.name.empty()) f.name = StemOf(path);
  return f;
}

absl::StatusOr<ScenarioFile> ReadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read (expected a scenario file)"));
  }
  std::string text;
  text.resize(kMaxScenarioFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseScenarioFile(text, path);
}

namespace {

// The scenario file embedded in a corpus file.
absl::StatusOr<ScenarioFile> EmbeddedScenarioFile(const std::string& path) {
  absl::StatusOr<CorpusEntry> e = ReadCorpusFile(path);
  if (!e.ok()) return e.status();
  if (e->scenario_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": has no scenario_file to replay"));
  }
  return ParseScenarioFile(e->scenario_file, path);
}

}  // namespace

bool IsFileProgram(absl::string_view program) {
  return absl::StartsWith(program, "file=");
}

absl::StatusOr<ScenarioFile> ReadFileProgram(absl::string_view program) {
  absl::string_view rest = program.substr(5);
  const size_t at = rest.rfind('@');
  if (!IsFileProgram(program) || at == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay token program '", program,
                     "': expected file=<path>@<content hash>"));
  }
  const std::string path = absl::StrReplaceAll(
      rest.substr(0, at),
      {{"%20", " "}, {"%09", "\t"}, {"%0A", "\n"}, {"%25", "%"}});
  absl::StatusOr<ScenarioFile> f = absl::EndsWith(path, ".json")
                                       ? EmbeddedScenarioFile(path)
                                       : ReadScenarioFile(path);
  if (!f.ok()) return f.status();
  if (f->content_hash != rest.substr(at + 1)) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": the file changed since the token was made (content hash ",
        f->content_hash, ", the token has ", rest.substr(at + 1),
        "); replay it with the file as it was"));
  }
  return f;
}

bool LooksLikeScenarioFile(absl::string_view arg) {
  return absl::EndsWith(arg, ".yaml") || absl::EndsWith(arg, ".yml");
}

}  // namespace harness
