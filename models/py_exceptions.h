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
#ifndef HANGUP_MODELS_PY_EXCEPTIONS_H_
#define HANGUP_MODELS_PY_EXCEPTIONS_H_

#include <exception>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace py {

class BaseException : public std::exception {
 public:
  BaseException() = default;
  explicit BaseException(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const { return message_; }
  // The class's __name__, and its MRO as __name__s (without `object`).
  virtual const char* TypeName() const { return "BaseException"; }
  virtual absl::Span<const char* const> Mro() const;

 private:
  std::string message_;
};

#define HANGUP_PY_EXCEPTION(Name, Base, ...)                      \
  class Name : public Base {                                      \
   public:                                                        \
    using Base::Base;                                             \
    const char* TypeName() const override { return #Name; }       \
    absl::Span<const char* const> Mro() const override {          \
      static constexpr const char* kMro[] = {#Name, __VA_ARGS__}; \
      return kMro;                                                \
    }                                                             \
  }

// Builtins.
HANGUP_PY_EXCEPTION(Exception, BaseException, "BaseException");
HANGUP_PY_EXCEPTION(OSError, Exception, "Exception", "BaseException");
HANGUP_PY_EXCEPTION(ConnectionError, OSError, "OSError", "Exception",
                    "BaseException");
HANGUP_PY_EXCEPTION(ConnectionResetError, ConnectionError, "ConnectionError",
                    "OSError", "Exception", "BaseException");
HANGUP_PY_EXCEPTION(BrokenPipeError, ConnectionError, "ConnectionError",
                    "OSError", "Exception", "BaseException");
HANGUP_PY_EXCEPTION(RuntimeError, Exception, "Exception", "BaseException");
HANGUP_PY_EXCEPTION(ValueError, Exception, "Exception", "BaseException");
HANGUP_PY_EXCEPTION(AttributeError, Exception, "Exception", "BaseException");
HANGUP_PY_EXCEPTION(AssertionError, Exception, "Exception", "BaseException");

// The server's own OSError subclass (spec 2.4): uvicorn's
// uvicorn.protocols.utils.ClientDisconnected, and the reference servers'.
HANGUP_PY_EXCEPTION(ClientDisconnected, OSError, "OSError", "Exception",
                    "BaseException");

// websockets.exceptions (10.4).
HANGUP_PY_EXCEPTION(WebSocketException, Exception, "Exception",
                    "BaseException");
HANGUP_PY_EXCEPTION(ConnectionClosed, WebSocketException, "WebSocketException",
                    "Exception", "BaseException");
HANGUP_PY_EXCEPTION(ConnectionClosedOK, ConnectionClosed, "ConnectionClosed",
                    "WebSocketException", "Exception", "BaseException");
HANGUP_PY_EXCEPTION(ConnectionClosedError, ConnectionClosed, "ConnectionClosed",
                    "WebSocketException", "Exception", "BaseException");
HANGUP_PY_EXCEPTION(InvalidState, WebSocketException, "WebSocketException",
                    "Exception", "BaseException");

// wsproto.utilities / h11 (same shape).
HANGUP_PY_EXCEPTION(ProtocolError, Exception, "Exception", "BaseException");
HANGUP_PY_EXCEPTION(LocalProtocolError, ProtocolError, "ProtocolError",
                    "Exception", "BaseException");

// autobahn.exception.Disconnected (a RuntimeError, not an OSError).
HANGUP_PY_EXCEPTION(Disconnected, RuntimeError, "RuntimeError", "Exception",
                    "BaseException");

// hypercorn.utils.UnexpectedMessageError.
HANGUP_PY_EXCEPTION(UnexpectedMessageError, Exception, "Exception",
                    "BaseException");

// starlette.requests.ClientDisconnect (an Exception, not an OSError).
HANGUP_PY_EXCEPTION(ClientDisconnect, Exception, "Exception", "BaseException");

// anyio.BrokenResourceError, anyio.EndOfStream.
HANGUP_PY_EXCEPTION(BrokenResourceError, Exception, "Exception",
                    "BaseException");

// ExceptionGroup (Python 3.11), as raised by asyncio/anyio task groups.
class ExceptionGroup : public Exception {
 public:
  ExceptionGroup(std::string message, std::vector<std::exception_ptr> errors)
      : Exception(std::move(message)), errors_(std::move(errors)) {}
  const char* TypeName() const override { return "ExceptionGroup"; }
  absl::Span<const char* const> Mro() const override;
  const std::vector<std::exception_ptr>& exceptions() const { return errors_; }

 private:
  std::vector<std::exception_ptr> errors_;
};

#undef HANGUP_PY_EXCEPTION

// What an observer records of an exception. Names point to static strings.
struct ExceptionInfo {
  const char* type = "";              // __name__; "" when no exception
  absl::Span<const char* const> mro;  // without `object`
  std::string message;

  bool IsA(absl::string_view name) const;  // `name` is in the MRO
};

// Describes a thrown exception: a py:: exception, sim::Cancelled
// ("CancelledError"), sim::TimeoutError ("TimeoutError") or anything else
// ("<C++ exception>", a modelling error).
ExceptionInfo Describe(const std::exception_ptr& error);

// "ClientDisconnected > OSError > Exception > BaseException".
std::string MroString(absl::Span<const char* const> mro);

}  // namespace py

#endif  // HANGUP_MODELS_PY_EXCEPTIONS_H_
