// A progress line on stderr for long runs: percentage, iteration, loss, speed and ETA,
// redrawn in place at most ten times a second. Off when stderr is not a terminal, so logs and
// pipes stay clean.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace experiments {

class Progress {
 public:
  // enabled: the user's --progress/--no-progress; the bar still stays off on a non-terminal.
  // first: the iterations done before this process started (a resumed run), left out of the
  // speed and the ETA.
  Progress(std::string label, std::size_t total, bool enabled, std::size_t first = 0);
  ~Progress() { finish(); }
  void update(std::size_t done, double loss);
  void finish();  // clears the line

 private:
  std::string label_;
  std::size_t total_;
  std::size_t first_;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// One progress line for work that many threads share (the runs of a figure, the figures of
// `reproduce`): each adds the iterations it did, and the line shows them all,
//   LABEL [########................]  34%  1.2e+07/3.4e+07 it  5.1e+05 it/s  0:25 elapsed  ETA 0:48
// redrawn at most ten times a second by whichever thread adds next. add() is thread-safe.
class SharedProgress {
 public:
  SharedProgress(std::string label, std::size_t total, bool enabled);
  ~SharedProgress() { finish(); }
  void set_label(std::string label);  // the part of the work under way ("figure 2 of 5: depth")
  void add(std::size_t iterations);
  std::size_t done() const { return done_.load(); }
  void finish();  // clears the line

 private:
  void draw(std::size_t done);
  std::string label_;
  std::size_t total_;
  bool active_;
  bool drawn_ = false;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;  // held while drawing and while the label changes
  std::chrono::steady_clock::time_point start_, last_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace experiments
