// A progress line on stderr for long runs: percentage, iteration, loss, speed and ETA,
// redrawn in place at most ten times a second. Off when stderr is not a terminal, so logs and
// pipes stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace experiments {

class Progress {
 public:
  // enabled: the user's --progress/--no-progress; the bar still stays off on a non-terminal.
  Progress(std::string label, std::size_t total, bool enabled);
  ~Progress() { finish(); }
  void update(std::size_t done, double loss);
  void finish();  // clears the line

 private:
  std::string label_;
  std::size_t total_;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace experiments
