#include "sim/check.h"

#include <cstdio>
#include <cstdlib>

namespace sim::internal {

CheckFailure::CheckFailure(const char* condition, const char* file, int line)
    : stream_(new std::ostringstream) {
  *stream_ << file << ":" << line << ": SIM_CHECK(" << condition
           << ") failed: ";
}

CheckFailure::~CheckFailure() {
  std::fprintf(stderr, "%s\n", stream_->str().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace sim::internal
