#include "experiments/report/limits.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace experiments {

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? double(pages) * double(page_size) : 0.0;
}

double address_space_headroom_bytes() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return std::numeric_limits<double>::infinity();
  // The first field of /proc/self/statm is the mapped size in pages.
  double mapped = 0;
  std::ifstream statm("/proc/self/statm");
  if (statm >> mapped) mapped *= double(sysconf(_SC_PAGE_SIZE));
  const double left = double(limit.rlim_cur) - mapped;
  return left > 0 ? left : 0;
}

void require_memory(double bytes, const std::string& what) {
  const double headroom = address_space_headroom_bytes();
  if (bytes > headroom) {
    char message[200];
    std::snprintf(message, sizeof message,
                  " needs about %.2f GB of memory, more than the %.2f GB left under this "
                  "process's address-space limit (ulimit -v)",
                  bytes / 1e9, headroom / 1e9);
    throw std::invalid_argument(what + message);
  }
  const double available = physical_memory_bytes();
  if (available <= 0 || bytes <= available) return;
  char message[160];
  std::snprintf(message, sizeof message,
                " needs about %.1f GB of memory, more than this "
                "machine's %.1f GB",
                bytes / 1e9, available / 1e9);
  throw std::invalid_argument(what + message);
}

}  // namespace experiments
