#include "experiments/report/console.hpp"

#include <cstdarg>
#include <cstdio>
#include <iostream>

namespace experiments {

void say(const char* format, ...) {
  char buf[4096];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  std::cout << buf << std::flush;
}

}  // namespace experiments
