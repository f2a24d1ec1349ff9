// Running the real `overparam` program as a child process, for the tests that must see what a
// user sees: the exit code (or the signal that ended it), stdout and stderr.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace test_process {

// How a child ended: exit code, or the signal that killed it (then `code` is -1).
struct Outcome {
  int code = -1;
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
};

inline std::string overparam_path() {
  return std::string(OVERPARAM_BINARY_DIR) + "/overparam";
}

// A started child with its stdout and stderr on pipes.
class Child {
 public:
  // Starts `program` with `args` (not including argv[0]) in the working directory `cwd`.
  Child(const std::string& program, const std::vector<std::string>& args,
        const std::string& cwd = OVERPARAM_SOURCE_DIR) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) throw std::runtime_error("cannot start " + program);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  void send(int signal) { kill(pid_, signal); }
  pid_t pid() const { return pid_; }

  // Reads both pipes until the child closes them, then reaps it. After `timeout` the child is
  // killed with SIGKILL and the outcome says it timed out.
  Outcome wait(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    Outcome o;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    std::string* sinks[2] = {&o.out, &o.err};
    int open_pipes = 2;
    while (open_pipes > 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        o.timed_out = true;
        kill(pid_, SIGKILL);
        break;
      }
      if (poll(fds, 2, 100) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char buf[4096];
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sinks[i]->append(buf, std::size_t(n));
        } else {
          fds[i].fd = -1;
          --open_pipes;
        }
      }
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) o.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
    return o;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
};

// Runs `overparam ARGS...` from the source tree and waits for it.
inline Outcome run_overparam(const std::vector<std::string>& args,
                             std::chrono::seconds timeout = std::chrono::seconds(120)) {
  Child child(overparam_path(), args);
  return child.wait(timeout);
}

}  // namespace test_process
