#include "experiments/report/limits.hpp"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace experiments {

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? double(pages) * double(page_size) : 0.0;
}

void require_memory(double bytes, const std::string& what) {
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
