#include "experiments/report/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <vector>

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

namespace {

// A lock this process holds: the open, flock'ed lock file and the path it was opened by.
struct HeldLock {
  std::string key;   // the folder, canonical
  std::string path;  // DIR/.overparam.lock, absolute, so a chdir cannot misdirect the unlink
  int fd = -1;
};

std::mutex held_mutex;
std::vector<HeldLock>& held_locks() {
  static std::vector<HeldLock> held;
  return held;
}

// True when `path` names the very file open on `fd` (same device and inode).
bool same_file(int fd, const std::string& path) {
  struct stat open_file = {};
  struct stat named = {};
  return ::fstat(fd, &open_file) == 0 && ::lstat(path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

[[noreturn]] void refuse_in_use(int fd, const std::string& dir) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
  throw std::runtime_error(
      "the output folder '" + dir + "' is in use by another overparam run (pid " +
      (pid.empty() ? "unknown" : pid) + "); wait for it to finish or choose another --out");
}

}  // namespace

void release_output_dirs() {
  const std::lock_guard<std::mutex> guard(held_mutex);
  for (HeldLock& lock : held_locks()) {
    // Unlinked while the flock is still ours: a run that opened the file meanwhile and then
    // gets the lock finds that the path no longer names it, and starts over (claim_output_dir).
    if (same_file(lock.fd, lock.path)) ::unlink(lock.path.c_str());
    ::close(lock.fd);
  }
  held_locks().clear();
}

void claim_output_dir(const std::string& dir) {
  make_output_dir(dir);
  std::error_code ec;
  const std::string key = fs::canonical(dir, ec).string();
  const std::lock_guard<std::mutex> guard(held_mutex);
  for (const HeldLock& lock : held_locks())
    if (lock.key == (ec ? dir : key)) return;
  const std::string lock_path = (fs::absolute(dir, ec) / ".overparam.lock").string();
  // The holder removes the file when it ends (release_output_dirs): the file we lock must still
  // be the one the path names, or we locked a removed file and try again with a new one.
  for (int attempt = 0;; ++attempt) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
      throw std::runtime_error("cannot create the lock file '" + lock_path +
                               "' of the output folder: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) refuse_in_use(fd, dir);
      ::close(fd);
      throw std::runtime_error("cannot lock the output folder '" + dir +
                               "': " + std::strerror(err));
    }
    if (same_file(fd, lock_path)) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the pid; only the message of a second run would lack it.
      }
      static const bool registered = std::atexit(release_output_dirs) == 0;
      (void)registered;
      held_locks().push_back({ec ? dir : key, lock_path, fd});
      return;
    }
    ::close(fd);  // the previous holder removed it after we opened it
    if (attempt == 100)
      throw std::runtime_error("cannot lock the output folder '" + dir +
                               "': its lock file keeps being replaced");
  }
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
