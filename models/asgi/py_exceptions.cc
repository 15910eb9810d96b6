#include "models/asgi/py_exceptions.h"

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

std::string MroString(absl::Span<const char* const> mro) {
  return absl::StrJoin(mro, " > ");
}

}  // namespace py
