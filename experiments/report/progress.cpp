#include "experiments/report/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace experiments {

bool stderr_is_terminal() {
  return isatty(fileno(stderr)) != 0;
}

Progress::Progress(std::string label, std::size_t total, bool enabled, std::size_t first)
    : label_(std::move(label)),
      total_(total),
      first_(std::min(first, total)),
      active_(enabled && stderr_is_terminal() && total > 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

namespace {

// What both progress lines show: the fraction done as a bar, the rate and the time left.
struct Measure {
  double fraction, rate, elapsed, eta;
  char bar[25];
};

// first: the part of `done` that was done before `start`.
Measure measure(std::size_t done, std::size_t total, std::chrono::steady_clock::time_point start,
                std::chrono::steady_clock::time_point now, std::size_t first = 0) {
  Measure m{};
  m.elapsed = std::chrono::duration<double>(now - start).count();
  m.fraction = double(done) / double(total);
  m.rate = m.elapsed > 0 && done > first ? double(done - first) / m.elapsed : 0;
  m.eta = m.rate > 0 ? double(total - done) / m.rate : 0;
  constexpr int width = 24;
  const int filled = static_cast<int>(m.fraction * width);
  for (int i = 0; i < width; ++i) m.bar[i] = i < filled ? '#' : '.';
  m.bar[width] = '\0';
  return m;
}

}  // namespace

void Progress::update(std::size_t done, double loss) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total_) return;
  last_ = now;
  drawn_ = true;
  const Measure m = measure(done, total_, start_, now, first_);
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %zu/%zu  loss %.4e  %.0f it/s  ETA %d:%02d  ",
               label_.c_str(), m.bar, 100 * m.fraction, done, total_, loss, m.rate,
               static_cast<int>(m.eta) / 60, static_cast<int>(m.eta) % 60);
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
  const Measure m = measure(done, total_, start_, now);
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %.3g/%.3g it  %.3g it/s  %d:%02d elapsed  ETA %d:%02d  ",
               label_.c_str(), m.bar, 100 * m.fraction, double(done), double(total_), m.rate,
               static_cast<int>(m.elapsed) / 60, static_cast<int>(m.elapsed) % 60,
               static_cast<int>(m.eta) / 60, static_cast<int>(m.eta) % 60);
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
