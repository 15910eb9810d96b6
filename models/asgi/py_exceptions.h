// Python exceptions as a C++ class hierarchy with Python's MRO, thrown
// through the app coroutines, so that an app model's `except OSError` is
// `catch (const py::OSError&)` and behaves as in Python, and so that the
// exception strategy pays what exceptions really cost.
//
// CancelledError is the kernel's sim::Cancelled (a BaseException, not an
// Exception, as since Python 3.8); Describe() names it so.
//
//   try { co_await send(msg); }
//   catch (const py::OSError& e) { ... e.TypeName(), e.Mro() ... }
//   py::ExceptionInfo info = py::Describe(std::current_exception());
//
// Thread-safety: exception objects are values; the type tables are static.
#ifndef HANGUP_MODELS_ASGI_PY_EXCEPTIONS_H_
#define HANGUP_MODELS_ASGI_PY_EXCEPTIONS_H_

#include <array>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace py {
namespace internal {

// A class's MRO: its own name, then its base's MRO.
template <size_t N>
constexpr std::array<const char*, N + 1> Prepend(
    const char* name, const std::array<const char*, N>& base) {
  std::array<const char*, N + 1> out{};
  out[0] = name;
  for (size_t i = 0; i < N; ++i) out[i + 1] = base[i];
  return out;
}

}  // namespace internal

class Class;  // below

class BaseException : public std::exception {
 public:
  BaseException() = default;
  explicit BaseException(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const { return message_; }
  static constexpr std::array<const char*, 1> kMro = {"BaseException"};
  // The class's MRO as __name__s (without `object`), and its __name__.
  virtual absl::Span<const char* const> Mro() const { return kMro; }
  const char* TypeName() const { return Mro()[0]; }
  // For an instance of a class defined at run time (py::Defined), its class.
  virtual const std::shared_ptr<const Class>* DefinedClass() const {
    return nullptr;
  }

 private:
  std::string message_;
};

#define HANGUP_PY_EXCEPTION(Name, Base)                                 \
  class Name : public Base {                                            \
   public:                                                              \
    using Base::Base;                                                   \
    static constexpr auto kMro = internal::Prepend(#Name, Base::kMro);  \
    absl::Span<const char* const> Mro() const override { return kMro; } \
  }

// Builtins.
HANGUP_PY_EXCEPTION(Exception, BaseException);
HANGUP_PY_EXCEPTION(OSError, Exception);
HANGUP_PY_EXCEPTION(RuntimeError, Exception);
HANGUP_PY_EXCEPTION(ValueError, Exception);
HANGUP_PY_EXCEPTION(AttributeError, Exception);
HANGUP_PY_EXCEPTION(AssertionError, Exception);

// The server's own OSError subclass (spec 2.4): uvicorn's
// uvicorn.protocols.utils.ClientDisconnected, and the reference servers'.
HANGUP_PY_EXCEPTION(ClientDisconnected, OSError);

// websockets.exceptions (10.4).
HANGUP_PY_EXCEPTION(WebSocketException, Exception);
HANGUP_PY_EXCEPTION(ConnectionClosed, WebSocketException);
HANGUP_PY_EXCEPTION(ConnectionClosedOK, ConnectionClosed);
HANGUP_PY_EXCEPTION(ConnectionClosedError, ConnectionClosed);
HANGUP_PY_EXCEPTION(InvalidState, WebSocketException);

// wsproto.utilities / h11 (same shape).
HANGUP_PY_EXCEPTION(ProtocolError, Exception);
HANGUP_PY_EXCEPTION(LocalProtocolError, ProtocolError);

// autobahn.exception.Disconnected (a RuntimeError, not an OSError).
HANGUP_PY_EXCEPTION(Disconnected, RuntimeError);

// hypercorn.utils.UnexpectedMessageError.
HANGUP_PY_EXCEPTION(UnexpectedMessageError, Exception);

// ExceptionGroup (Python 3.11), as raised by asyncio/anyio task groups.
class ExceptionGroup : public Exception {
 public:
  ExceptionGroup(std::string message, std::vector<std::exception_ptr> errors)
      : Exception(std::move(message)), errors_(std::move(errors)) {}
  static constexpr std::array<const char*, 4> kMro = {
      "ExceptionGroup", "BaseExceptionGroup", "Exception", "BaseException"};
  absl::Span<const char* const> Mro() const override { return kMro; }
  const std::vector<std::exception_ptr>& exceptions() const { return errors_; }

 private:
  std::vector<std::exception_ptr> errors_;
};

#undef HANGUP_PY_EXCEPTION

// A class as a server names it, to raise at run time: one of the modelled
// classes above ("RuntimeError"), or a subclass of one that the server
// defines ("ClientDisconnected(OSError)"; the base must be modelled). A
// defined subclass is thrown as its base's C++ type, so `catch (const
// py::OSError&)` catches it, and reports its own __name__ and MRO.
//
//   absl::StatusOr<py::ClassRef> c = py::Class::Find("Gone(OSError)");
//   (*c)->Raise("client went away");   // throws; Describe: type "Gone"
//
// A defined class is shared by the policies that name it and by its
// exceptions and their ExceptionInfos, so its names live as long as any of
// them. Modelled classes are immortal. No global state: Find is a pure
// function (modelled classes are a function-local constant table).
using ClassRef = std::shared_ptr<const Class>;

class Class {
 public:
  // Parses "Name" (a modelled class) or "Name(Base)" (Base modelled; Name a
  // Python identifier). Errors name what was expected.
  static absl::StatusOr<ClassRef> Find(absl::string_view spec);

  const char* name() const { return mro_[0]; }
  absl::Span<const char* const> mro() const { return mro_; }
  bool IsA(absl::string_view name) const;
  // "RuntimeError", or "ClientDisconnected(OSError)" for a defined subclass.
  const std::string& spec() const { return spec_; }
  // Throws an instance. `self` is this class's own reference (a defined
  // class's exceptions keep it alive).
  [[noreturn]] static void Raise(const ClassRef& self, std::string message);

  // Internal: how a class of this kind is thrown (its own C++ type, or a
  // defined subclass of it).
  using Thrower = void (*)(const ClassRef&, std::string);
  Class(std::string spec, std::string defined_name,
        std::vector<const char*> mro, Thrower raise, Thrower raise_subclass);
  Class(const Class&) = delete;  // mro_[0] may point into defined_name_
  Class& operator=(const Class&) = delete;
  Thrower subclass_thrower() const { return raise_subclass_; }

 private:
  std::string spec_;
  std::string defined_name_;  // a defined class's __name__ (mro_[0])
  std::vector<const char*> mro_;
  Thrower raise_;
  Thrower raise_subclass_;
};

// A class a server defines at run time, thrown as its base `B`'s C++ type.
template <typename B>
class Defined : public B {
 public:
  Defined(ClassRef cls, std::string message)
      : B(std::move(message)), class_(std::move(cls)) {}
  absl::Span<const char* const> Mro() const override { return class_->mro(); }
  const ClassRef* DefinedClass() const override { return &class_; }

 private:
  ClassRef class_;
};

// An exception as a server raises it: a class and its text, as policy
// fields write it ("RuntimeError: ASGI flow error: Response already
// finished", "ClientDisconnected(OSError)"). The text may hold one %s,
// replaced by the message type at the raise.
struct ErrorSpec {
  ClassRef cls;
  std::string text;

  // Parses "CLASS" or "CLASS: TEXT".
  static absl::StatusOr<ErrorSpec> Parse(absl::string_view value);
  std::string ToString() const;
  [[noreturn]] void Raise(absl::string_view message_type = "") const;
};

// What an observer records of an exception. Names point to static strings,
// or into `defined`, which the info shares.
struct ExceptionInfo {
  const char* type = "";              // __name__; "" when no exception
  absl::Span<const char* const> mro;  // without `object`
  std::string message;
  std::shared_ptr<const Class> defined;  // a class defined at run time

  bool IsA(absl::string_view name) const;  // `name` is in the MRO
};

// Describes a thrown exception: a py:: exception, sim::Cancelled
// ("CancelledError"), sim::TimeoutError ("TimeoutError") or anything else
// ("<C++ exception>", a modelling error).
ExceptionInfo Describe(const std::exception_ptr& error);

// Every modelled class's __name__ (with CancelledError and TimeoutError),
// for names given by users (`except CLASS`, expectations).
absl::Span<const char* const> TypeNames();

// "ClientDisconnected > OSError > Exception > BaseException".
std::string MroString(absl::Span<const char* const> mro);

// An exception of the class called `name` (one of TypeNames() but
// CancelledError, TimeoutError and the groups), or nullptr.
std::exception_ptr MakeException(absl::string_view name, std::string message);

}  // namespace py

#endif  // HANGUP_MODELS_ASGI_PY_EXCEPTIONS_H_
