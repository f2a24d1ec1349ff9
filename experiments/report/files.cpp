#include "experiments/report/files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace experiments {

namespace fs = std::filesystem;

void make_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error("cannot create the output folder '" + dir +
                             "': " + (ec ? ec.message() : "a file of that name is in the way"));
  }
  if (access(dir.c_str(), W_OK) != 0) {
    throw std::runtime_error("the output folder '" + dir + "' is not writable");
  }
}

std::string new_run_dir(const std::string& stem) {
  const fs::path parent = fs::path(stem).parent_path();
  if (!parent.empty()) make_output_dir(parent.string());
  const std::string base = stem + "-" + timestamp();
  for (int n = 1; n <= 1000; ++n) {
    const std::string dir = n == 1 ? base : base + "-" + std::to_string(n);
    // mkdir fails with EEXIST when the name is taken, atomically: two runs never get one folder.
    if (::mkdir(dir.c_str(), 0777) == 0) return dir;
    if (errno != EEXIST)
      throw std::runtime_error("cannot create the output folder '" + dir +
                               "': " + std::strerror(errno));
  }
  throw std::runtime_error("cannot create an output folder '" + base +
                           "-N': a thousand of them exist already");
}

std::string timestamp() {
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
  return buf;
}

}  // namespace experiments
