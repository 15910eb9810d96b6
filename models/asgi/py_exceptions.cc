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
