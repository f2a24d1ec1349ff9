#include "experiments/report/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>
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

void claim_output_dir(const std::string& dir) {
  make_output_dir(dir);
  static std::mutex mutex;
  static std::set<std::string> held;  // canonical folders this process holds
  std::error_code ec;
  const std::string key = fs::canonical(dir, ec).string();
  const std::lock_guard<std::mutex> guard(mutex);
  if (!ec && held.count(key) != 0) return;
  const std::string lock_path = dir + "/.overparam.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot create the lock file '" + lock_path +
                             "' of the output folder: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string pid;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
    if (err == EWOULDBLOCK)
      throw std::runtime_error(
          "the output folder '" + dir + "' is in use by another overparam run (pid " +
          (pid.empty() ? "unknown" : pid) + "); wait for it to finish or choose another --out");
    throw std::runtime_error("cannot lock the output folder '" + dir + "': " + std::strerror(err));
  }
  // Ours until the process ends: the descriptor is never closed.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; only the message of a second run would lack it.
  }
  held.insert(ec ? dir : key);
}

std::string new_run_dir(const std::string& stem) {
  const fs::path parent = fs::path(stem).parent_path();
  if (!parent.empty()) make_output_dir(parent.string());
  const std::string base = stem + "-" + timestamp();
  for (int n = 1; n <= 1000; ++n) {
    const std::string dir = n == 1 ? base : base + "-" + std::to_string(n);
    // mkdir fails with EEXIST when the name is taken, atomically: two runs never get one folder.
    if (::mkdir(dir.c_str(), 0777) == 0) {
      claim_output_dir(dir);
      return dir;
    }
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
