// The threads behind blas::parallel_for: started once, kept for the life of the process.
//
// Starting a std::thread costs tens of microseconds, as much as a whole l_4 training step of the
// paper's regression; a loop that shares out such short pieces of work every step needs threads
// that are already there. Between two calls a worker keeps checking for new work for a short while
// (about 100 µs), then sleeps until it is woken (std::atomic::wait, a futex on Linux): a training
// loop's calls follow one another closely enough to find it awake, and an idle program takes no
// core.
#pragma once

#include <cstddef>
#include <functional>

namespace ad {

// How run_on_threads hands out ranges. dynamic: each thread takes the next range not yet taken,
// so a thread slowed down (by another program on its core) takes fewer. fixed: thread t runs
// ranges t, t + threads, t + 2·threads, ..., the same ones on every call, so that a loop that
// goes over the same data every call finds its share in the same core's cache.
enum class Schedule { dynamic, fixed };

// Runs body(range, thread) for range = 0 .. ranges - 1 on `threads` threads: the calling one
// (thread 0) and threads - 1 workers of the pool (1 .. threads - 1), handed out by `schedule`.
// Returns when every range has run. An exception thrown by `body` is
// rethrown here (the first one; the ranges not yet started are skipped). Calls from several
// threads at once run one after the other; a call from inside a body runs on its caller's
// thread alone.
void run_on_threads(std::size_t ranges, std::size_t threads,
                    const std::function<void(std::size_t range, std::size_t thread)>& body,
                    Schedule schedule = Schedule::dynamic);

}  // namespace ad
