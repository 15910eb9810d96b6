#include "models/asgi/py_exceptions.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "sim/task.h"

namespace py {
namespace {

constexpr const char* kCancelledMro[] = {"CancelledError", "BaseException"};
constexpr const char* kTimeoutMro[] = {"TimeoutError", "OSError", "Exception",
                                       "BaseException"};
constexpr const char* kForeignMro[] = {"<C++ exception>"};

}  // namespace

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
