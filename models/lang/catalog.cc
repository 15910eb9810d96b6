#include "models/lang/catalog.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/asgi/registry.h"
#include "models/lang/program_parser.h"
#include "sim/check.h"
#include "yaml-cpp/yaml.h"

namespace models::lang {
namespace {

struct Catalog {
  std::vector<ProgramInfo> apps;
  std::vector<std::shared_ptr<const AppProgram>> app_programs;
  std::vector<ProgramInfo> middleware;
  std::vector<std::shared_ptr<const AppProgram>> middleware_programs;
  std::vector<ProgramInfo> clients;
  std::vector<std::shared_ptr<const ClientProgram>> client_programs;
};

// Parses one catalog file with `params`; the program and its info.
// What a catalog file holds (its folder says).
enum class Kind { kApp, kMiddleware, kClient };

Kind KindOf(absl::string_view path) {
  if (path.find("/apps/") != absl::string_view::npos) return Kind::kApp;
  if (path.find("/middleware/") != absl::string_view::npos) {
    return Kind::kMiddleware;
  }
  return Kind::kClient;
}

template <class Program>
absl::StatusOr<std::shared_ptr<Program>> ParseFile(
    const internal::EmbeddedFile& file, const Params& params,
    ProgramInfo* info) {
  const Kind kind = KindOf(file.path);
  const YamlReader r(file.path);
  YAML::Node root;
  try {
    root = YAML::Load(file.text);
  } catch (const YAML::Exception& e) {
    return r.AtMark(e.mark, "(syntax)",
                    absl::StrCat("not valid YAML: ", e.msg));
  }
  ParseContext c(r, "");
  absl::StatusOr<std::shared_ptr<Program>> p;
  try {
    if constexpr (std::is_same_v<Program, AppProgram>) {
      p = kind == Kind::kMiddleware ? ParseMiddlewareProgram(c, root, params)
                                    : ParseAppProgram(c, root, params);
    } else {
      p = ParseClientProgram(c, root, params);
    }
  } catch (const YAML::Exception& e) {
    return r.AtMark(e.mark, "(structure)", e.msg);
  }
  if (p.ok() && info != nullptr) {
    info->name = (*p)->name;
    info->description = (*p)->description;
    info->protocol = (*p)->protocol;
    info->path = file.path;
    info->params = c.ParamsDoc();
    info->defaults = c.params();
    info->text = file.text;
  }
  return p;
}

std::string StemOf(absl::string_view path) {
  absl::string_view base = path.substr(path.rfind('/') + 1);
  return std::string(base.substr(0, base.rfind('.')));
}

const Catalog& TheCatalog() {
  static const Catalog* catalog = [] {
    auto* c = new Catalog;
    for (size_t i = 0; i < internal::kEmbeddedCatalogSize; ++i) {
      const internal::EmbeddedFile& f = internal::kEmbeddedCatalog[i];
      const Kind kind = KindOf(f.path);
      ProgramInfo info;
      absl::Status st;
      if (kind != Kind::kClient) {
        auto p = ParseFile<AppProgram>(f, {}, &info);
        st = p.status();
        if (p.ok()) {
          (kind == Kind::kApp ? c->app_programs : c->middleware_programs)
              .push_back(*std::move(p));
        }
      } else {
        auto p = ParseFile<ClientProgram>(f, {}, &info);
        st = p.status();
        if (p.ok()) c->client_programs.push_back(*std::move(p));
      }
      SIM_CHECK(st.ok()) << "the embedded catalog does not parse: "
                         << st.message();
      SIM_CHECK(info.name == StemOf(f.path))
          << f.path << ": name '" << info.name << "' is not the file's stem";
      (kind == Kind::kApp          ? c->apps
       : kind == Kind::kMiddleware ? c->middleware
                                   : c->clients)
          .push_back(std::move(info));
    }
    return c;
  }();
  return *catalog;
}

template <class Program>
absl::StatusOr<std::shared_ptr<const Program>> Resolve(
    absl::string_view ref, const char* what,
    const std::vector<ProgramInfo>& infos,
    const std::vector<std::shared_ptr<const Program>>& defaults) {
  absl::StatusOr<ProgramRef> parsed = ParseRef(ref);
  if (!parsed.ok()) return parsed.status();
  const absl::Span<const ProgramInfo> table(infos);
  const ProgramInfo* info = FindByName(table, parsed->name);
  if (info == nullptr) {
    return absl::NotFoundError(UnknownNameMessage(what, parsed->name, table));
  }
  const size_t index = static_cast<size_t>(info - infos.data());
  if (parsed->params.empty()) return defaults[index];
  const internal::EmbeddedFile file{info->path.c_str(), info->text.c_str()};
  absl::StatusOr<std::shared_ptr<Program>> p =
      ParseFile<Program>(file, parsed->params, nullptr);
  if (!p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", ref, "': ", p.status().message()));
  }
  return std::shared_ptr<const Program>(*std::move(p));
}

bool IsParamName(absl::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '-' &&
        ch != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Span<const ProgramInfo> CatalogApps() { return TheCatalog().apps; }
absl::Span<const ProgramInfo> CatalogMiddleware() {
  return TheCatalog().middleware;
}
absl::Span<const ProgramInfo> CatalogClients() { return TheCatalog().clients; }

absl::StatusOr<ProgramRef> ParseRef(absl::string_view ref) {
  ProgramRef out;
  const size_t colon = ref.find(':');
  out.name = std::string(ref.substr(0, colon));
  if (colon == absl::string_view::npos) return out;
  for (absl::string_view kv :
       absl::StrSplit(ref.substr(colon + 1), absl::ByAnyChar(";,"))) {
    const size_t eq = kv.find('=');
    const absl::string_view key = kv.substr(0, eq);
    if (eq == absl::string_view::npos || !IsParamName(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", ref, "': expected NAME:key=value;key=value, got '", kv, "'"));
    }
    for (const auto& [k, v] : out.params) {
      if (k == key) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", ref, "': parameter '", key, "' is given twice"));
      }
    }
    out.params.emplace_back(std::string(key), std::string(kv.substr(eq + 1)));
  }
  return out;
}

std::string RefToString(const ProgramRef& ref) {
  if (ref.params.empty()) return ref.name;
  return absl::StrCat(
      ref.name, ":",
      absl::StrJoin(ref.params, ";", [](std::string* out, const auto& kv) {
        absl::StrAppend(out, kv.first, "=", kv.second);
      }));
}

absl::StatusOr<std::shared_ptr<const AppProgram>> ResolveApp(
    absl::string_view ref) {
  const Catalog& c = TheCatalog();
  return Resolve<AppProgram>(ref, "app", c.apps, c.app_programs);
}

absl::StatusOr<std::shared_ptr<const AppProgram>> ResolveMiddleware(
    absl::string_view ref) {
  const Catalog& c = TheCatalog();
  return Resolve<AppProgram>(ref, "middleware", c.middleware,
                             c.middleware_programs);
}

absl::StatusOr<std::shared_ptr<const ClientProgram>> ResolveClient(
    absl::string_view ref) {
  const Catalog& c = TheCatalog();
  return Resolve<ClientProgram>(ref, "client", c.clients, c.client_programs);
}

}  // namespace models::lang
