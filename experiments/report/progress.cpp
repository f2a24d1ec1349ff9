#include "experiments/report/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace experiments {

bool stderr_is_terminal() {
  return isatty(fileno(stderr)) != 0;
}

Progress::Progress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      active_(enabled && stderr_is_terminal() && total > 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(std::size_t done, double loss) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total_) return;
  last_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = double(done) / double(total_);
  const double rate = elapsed > 0 ? double(done) / elapsed : 0;
  const double eta = rate > 0 ? double(total_ - done) / rate : 0;
  constexpr int width = 24;
  const int filled = static_cast<int>(fraction * width);
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %zu/%zu  loss %.4e  %.0f it/s  ETA %d:%02d  ",
               label_.c_str(), bar, 100 * fraction, done, total_, loss, rate,
               static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  std::fflush(stderr);
}

SharedProgress::SharedProgress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      active_(enabled && stderr_is_terminal() && total > 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void SharedProgress::set_label(std::string label) {
  std::lock_guard lock(mutex_);
  label_ = std::move(label);
}

void SharedProgress::add(std::size_t iterations) {
  const std::size_t done = done_.fetch_add(iterations) + iterations;
  if (!active_) return;
  std::unique_lock lock(mutex_, std::try_to_lock);  // another thread is drawing: skip
  if (lock.owns_lock()) draw(done);
}

void SharedProgress::draw(std::size_t done) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  done = std::min(done, total_);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = double(done) / double(total_);
  const double rate = elapsed > 0 ? double(done) / elapsed : 0;
  const double eta = rate > 0 ? double(total_ - done) / rate : 0;
  constexpr int width = 24;
  const int filled = static_cast<int>(fraction * width);
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %.3g/%.3g it  %.3g it/s  %d:%02d elapsed  ETA %d:%02d  ",
               label_.c_str(), bar, 100 * fraction, double(done), double(total_), rate,
               static_cast<int>(elapsed) / 60, static_cast<int>(elapsed) % 60,
               static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  std::fflush(stderr);
}

void SharedProgress::finish() {
  std::lock_guard lock(mutex_);
  if (active_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

void Progress::finish() {
  if (active_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace experiments
