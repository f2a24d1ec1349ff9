#include "experiments/report/format.hpp"

#include <cstdio>

namespace experiments {

std::string format_number(double value, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

}  // namespace experiments
