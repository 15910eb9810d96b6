#include "models/asgi/py_exceptions.h"

#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "sim/task.h"

namespace py {
namespace {

constexpr const char* kCancelledMro[] = {"CancelledError", "BaseException"};
constexpr const char* kTimeoutMro[] = {"TimeoutError", "OSError", "Exception",
                                       "BaseException"};
constexpr const char* kForeignMro[] = {"<C++ exception>"};

template <typename T>
void Throw(const ClassRef& /*cls*/, std::string message) {
  throw T(std::move(message));
}
template <typename T>
void ThrowSubclass(const ClassRef& cls, std::string message) {
  throw Defined<T>(cls, std::move(message));
}
template <typename T>
ClassRef Modelled() {
  return std::make_shared<const Class>(
      T::kMro[0], "", std::vector<const char*>(T::kMro.begin(), T::kMro.end()),
      &Throw<T>, &ThrowSubclass<T>);
}

// The modelled classes, immortal (a function-local static: built once,
// thread-safe without a lock).
const std::vector<ClassRef>& ModelledClasses() {
  static const std::vector<ClassRef>* classes =
      new std::vector<ClassRef>{Modelled<BaseException>(),
                                Modelled<Exception>(),
                                Modelled<OSError>(),
                                Modelled<RuntimeError>(),
                                Modelled<ValueError>(),
                                Modelled<AttributeError>(),
                                Modelled<AssertionError>(),
                                Modelled<ClientDisconnected>(),
                                Modelled<WebSocketException>(),
                                Modelled<ConnectionClosed>(),
                                Modelled<ConnectionClosedOK>(),
                                Modelled<ConnectionClosedError>(),
                                Modelled<InvalidState>(),
                                Modelled<ProtocolError>(),
                                Modelled<LocalProtocolError>(),
                                Modelled<Disconnected>(),
                                Modelled<UnexpectedMessageError>()};
  return *classes;
}

const ClassRef* FindModelled(absl::string_view name) {
  for (const ClassRef& c : ModelledClasses()) {
    if (name == c->name()) return &c;
  }
  return nullptr;
}

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || absl::ascii_isdigit(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

absl::Status NotAClass(absl::string_view spec) {
  std::vector<const char*> names;
  for (const ClassRef& c : ModelledClasses()) names.push_back(c->name());
  return absl::InvalidArgumentError(absl::StrCat(
      "expected a modelled exception class (", absl::StrJoin(names, ", "),
      ") or NAME(BASE) with BASE one of them, got '", spec, "'"));
}

}  // namespace

Class::Class(std::string spec, std::string defined_name,
             std::vector<const char*> mro, Thrower raise,
             Thrower raise_subclass)
    : spec_(std::move(spec)),
      defined_name_(std::move(defined_name)),
      mro_(std::move(mro)),
      raise_(raise),
      raise_subclass_(raise_subclass) {
  if (!defined_name_.empty()) mro_[0] = defined_name_.c_str();
}

absl::StatusOr<ClassRef> Class::Find(absl::string_view spec) {
  spec = absl::StripAsciiWhitespace(spec);
  absl::string_view name = spec;
  absl::string_view base_name;
  const size_t open = spec.find('(');
  if (open != absl::string_view::npos) {
    name = spec.substr(0, open);
    base_name = spec.substr(open + 1);
    if (!absl::ConsumeSuffix(&base_name, ")")) return NotAClass(spec);
  }
  const ClassRef* modelled = FindModelled(name);
  if (open == absl::string_view::npos) {
    if (modelled == nullptr) return NotAClass(spec);
    return *modelled;
  }
  const ClassRef* base = FindModelled(base_name);
  if (base == nullptr || !IsIdentifier(name)) return NotAClass(spec);
  if (modelled != nullptr) {
    // A modelled class written with its base is that class.
    if ((*modelled)->mro().size() > 1 && base_name == (*modelled)->mro()[1]) {
      return *modelled;
    }
    return NotAClass(spec);
  }
  std::vector<const char*> mro = {""};  // the constructor points mro[0]
  mro.insert(mro.end(), (*base)->mro().begin(), (*base)->mro().end());
  return std::make_shared<const Class>(
      absl::StrCat(name, "(", (*base)->name(), ")"), std::string(name),
      std::move(mro), (*base)->subclass_thrower(), (*base)->subclass_thrower());
}

bool Class::IsA(absl::string_view name) const {
  for (const char* m : mro_) {
    if (name == m) return true;
  }
  return false;
}

void Class::Raise(const ClassRef& self, std::string message) {
  self->raise_(self, std::move(message));
  std::abort();  // a thrower always throws
}

absl::StatusOr<ErrorSpec> ErrorSpec::Parse(absl::string_view value) {
  absl::string_view cls = value;
  absl::string_view text;
  if (const size_t colon = value.find(':'); colon != absl::string_view::npos) {
    cls = value.substr(0, colon);
    text = absl::StripLeadingAsciiWhitespace(value.substr(colon + 1));
  }
  absl::StatusOr<ClassRef> c = Class::Find(cls);
  if (!c.ok()) return c.status();
  return ErrorSpec{*std::move(c), std::string(text)};
}

std::string ErrorSpec::ToString() const {
  if (cls == nullptr) return "none";
  return text.empty() ? cls->spec() : absl::StrCat(cls->spec(), ": ", text);
}

void ErrorSpec::Raise(absl::string_view message_type) const {
  Class::Raise(cls, absl::StrReplaceAll(text, {{"%s", message_type}}));
}

absl::Span<const char* const> TypeNames() {
  static constexpr const char* kNames[] = {BaseException::kMro[0],
                                           Exception::kMro[0],
                                           OSError::kMro[0],
                                           RuntimeError::kMro[0],
                                           ValueError::kMro[0],
                                           AttributeError::kMro[0],
                                           AssertionError::kMro[0],
                                           ClientDisconnected::kMro[0],
                                           WebSocketException::kMro[0],
                                           ConnectionClosed::kMro[0],
                                           ConnectionClosedOK::kMro[0],
                                           ConnectionClosedError::kMro[0],
                                           InvalidState::kMro[0],
                                           ProtocolError::kMro[0],
                                           LocalProtocolError::kMro[0],
                                           Disconnected::kMro[0],
                                           UnexpectedMessageError::kMro[0],
                                           ExceptionGroup::kMro[0],
                                           ExceptionGroup::kMro[1],
                                           kCancelledMro[0],
                                           kTimeoutMro[0]};
  return kNames;
}

bool ExceptionInfo::IsA(absl::string_view name) const {
  for (const char* m : mro) {
    if (name == m) return true;
  }
  return false;
}

ExceptionInfo Describe(const std::exception_ptr& error) {
  ExceptionInfo info;
  if (!error) return info;
  try {
    std::rethrow_exception(error);
  } catch (const BaseException& e) {
    if (const ClassRef* defined = e.DefinedClass()) info.defined = *defined;
    info.type = e.TypeName();
    info.mro = e.Mro();
    info.message = e.message();
  } catch (const sim::Cancelled&) {
    info.type = "CancelledError";
    info.mro = kCancelledMro;
  } catch (const sim::TimeoutError&) {
    info.type = "TimeoutError";
    info.mro = kTimeoutMro;
  } catch (const std::exception& e) {
    info.type = "<C++ exception>";
    info.mro = kForeignMro;
    info.message = e.what();
  } catch (...) {
    info.type = "<C++ exception>";
    info.mro = kForeignMro;
  }
  return info;
}

namespace {

template <class E>
std::exception_ptr Make(std::string message) {
  return std::make_exception_ptr(E(std::move(message)));
}

}  // namespace

std::exception_ptr MakeException(absl::string_view name, std::string message) {
  using Factory = std::exception_ptr (*)(std::string);
  static constexpr std::pair<const char*, Factory> kFactories[] = {
      {BaseException::kMro[0], &Make<BaseException>},
      {Exception::kMro[0], &Make<Exception>},
      {OSError::kMro[0], &Make<OSError>},
      {RuntimeError::kMro[0], &Make<RuntimeError>},
      {ValueError::kMro[0], &Make<ValueError>},
      {AttributeError::kMro[0], &Make<AttributeError>},
      {AssertionError::kMro[0], &Make<AssertionError>},
      {ClientDisconnected::kMro[0], &Make<ClientDisconnected>},
      {WebSocketException::kMro[0], &Make<WebSocketException>},
      {ConnectionClosed::kMro[0], &Make<ConnectionClosed>},
      {ConnectionClosedOK::kMro[0], &Make<ConnectionClosedOK>},
      {ConnectionClosedError::kMro[0], &Make<ConnectionClosedError>},
      {InvalidState::kMro[0], &Make<InvalidState>},
      {ProtocolError::kMro[0], &Make<ProtocolError>},
      {LocalProtocolError::kMro[0], &Make<LocalProtocolError>},
      {Disconnected::kMro[0], &Make<Disconnected>},
      {UnexpectedMessageError::kMro[0], &Make<UnexpectedMessageError>},
  };
  for (const auto& [n, make] : kFactories) {
    if (name == n) return make(std::move(message));
  }
  return nullptr;
}

std::string MroString(absl::Span<const char* const> mro) {
  return absl::StrJoin(mro, " > ");
}

}  // namespace py
