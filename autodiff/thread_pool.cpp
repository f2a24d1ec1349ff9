#include "autodiff/thread_pool.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ad {

namespace {

using Body = std::function<void(std::size_t, std::size_t)>;

// How long a waiting thread keeps checking before it sleeps.
constexpr std::chrono::microseconds spin_time{100};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until `value` differs from `old` and returns the new value: checks for spin_time, then
// sleeps in std::atomic::wait.
template <typename T>
T wait_for_change(const std::atomic<T>& value, T old) {
  const auto until = std::chrono::steady_clock::now() + spin_time;
  for (int k = 0;; ++k) {
    const T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
    cpu_relax();
    if (k % 64 == 63 && std::chrono::steady_clock::now() > until) break;
  }
  for (;;) {
    value.wait(old, std::memory_order_acquire);
    const T now = value.load(std::memory_order_acquire);
    if (now != old) return now;
  }
}

thread_local bool in_body = false;  // this thread is running a body of run_on_threads

class Pool {
 public:
  // Never destroyed: its workers sleep in a wait when the process ends, and a destructor that
  // joined them could run on one of them (exit() called from a body).
  static Pool& instance() {
    static Pool* pool = new Pool;
    return *pool;
  }

  void run(std::size_t ranges, std::size_t threads, const Body& body, Schedule schedule) {
    std::lock_guard<std::mutex> one_call(call_);
    while (workers_.size() + 1 < threads) {
      auto slot = std::make_unique<Slot>();
      Slot* s = slot.get();
      const std::size_t index = workers_.size() + 1;
      slot->thread = std::thread([this, s, index] { work(*s, index); });
      workers_.push_back(std::move(slot));
    }
    body_ = &body;
    ranges_ = ranges;
    threads_ = threads;
    schedule_ = schedule;
    next_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    error_ = nullptr;
    done_.store(0, std::memory_order_relaxed);
    for (std::size_t w = 0; w + 1 < threads; ++w) {  // release: the fields above come first
      workers_[w]->go.fetch_add(1, std::memory_order_release);
      workers_[w]->go.notify_one();
    }
    execute(0);
    const std::size_t helpers = threads - 1;
    for (std::size_t done = done_.load(std::memory_order_acquire); done != helpers;)
      done = wait_for_change(done_, done);
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Slot {
    std::atomic<std::uint64_t> go{0};  // bumped once per call this worker takes part in
    std::thread thread;
  };

  void work(Slot& slot, std::size_t index) {
    for (std::uint64_t seen = 0;;) {
      seen = wait_for_change(slot.go, seen);
      execute(index);
      done_.fetch_add(1, std::memory_order_acq_rel);
      done_.notify_one();
    }
  }

  void execute(std::size_t thread) {
    in_body = true;
    const bool fixed = schedule_ == Schedule::fixed;
    try {
      for (std::size_t range = fixed ? thread : next_++;
           range < ranges_ && !failed_.load(std::memory_order_relaxed);
           range = fixed ? range + threads_ : next_++)
        (*body_)(range, thread);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
    in_body = false;
  }

  std::mutex call_;  // one call at a time
  std::vector<std::unique_ptr<Slot>> workers_;
  // The current call, written by its caller before the workers are woken.
  const Body* body_ = nullptr;
  std::size_t ranges_ = 0, threads_ = 0;
  Schedule schedule_ = Schedule::dynamic;
  std::atomic<std::size_t> next_{0};  // the next range to take
  std::atomic<std::size_t> done_{0};  // workers finished with the call
  std::atomic<bool> failed_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace

void run_on_threads(std::size_t ranges, std::size_t threads, const Body& body, Schedule schedule) {
  if (ranges == 0) return;
  if (threads > ranges) threads = ranges;
  if (threads <= 1 || in_body) {
    for (std::size_t range = 0; range < ranges; ++range) body(range, 0);
    return;
  }
  Pool::instance().run(ranges, threads, body, schedule);
}

}  // namespace ad
