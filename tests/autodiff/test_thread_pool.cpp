#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "autodiff/blas.hpp"
#include "autodiff/thread_pool.hpp"

TEST_CASE("run_on_threads: every range runs once, on the threads asked for",
          "[autodiff][threads]") {
  for (std::size_t threads : {1, 2, 3, 5}) {
    for (std::size_t ranges : {1, 2, 7, 100}) {
      INFO(threads << " threads, " << ranges << " ranges");
      std::vector<std::atomic<int>> runs(ranges);
      std::vector<std::atomic<int>> by_thread(threads);
      std::atomic<int> out_of_range{0};  // Catch's assertions are not thread-safe: checked after
      ad::run_on_threads(ranges, threads, [&](std::size_t range, std::size_t thread) {
        runs[range]++;
        if (thread < std::min(threads, ranges))
          by_thread[thread]++;
        else
          out_of_range++;
      });
      CHECK(out_of_range.load() == 0);
      for (auto& r : runs) CHECK(r.load() == 1);
      int total = 0;
      for (auto& t : by_thread) total += t.load();
      CHECK(total == int(ranges));
    }
  }
}

TEST_CASE("run_on_threads: many short calls in a row, as a training loop makes them",
          "[autodiff][threads]") {
  std::atomic<long> sum{0};
  for (int call = 0; call < 2000; ++call)
    ad::run_on_threads(4, 2, [&](std::size_t range, std::size_t) { sum += long(range) + 1; });
  CHECK(sum.load() == 2000L * 10);
}

TEST_CASE("run_on_threads: an exception in a body reaches the caller, and the pool goes on",
          "[autodiff][threads]") {
  CHECK_THROWS_WITH(ad::run_on_threads(8, 2,
                                       [](std::size_t range, std::size_t) {
                                         if (range == 5) throw std::runtime_error("range 5");
                                       }),
                    "range 5");
  std::atomic<int> count{0};
  ad::run_on_threads(8, 2, [&](std::size_t, std::size_t) { count++; });
  CHECK(count.load() == 8);
}

TEST_CASE("run_on_threads: a call from inside a body runs on that body's thread",
          "[autodiff][threads]") {
  std::atomic<int> inner{0};
  ad::run_on_threads(2, 2, [&](std::size_t, std::size_t) {
    const auto me = std::this_thread::get_id();
    ad::run_on_threads(3, 2, [&](std::size_t, std::size_t thread) {
      if (thread == 0 && std::this_thread::get_id() == me) inner++;
    });
  });
  CHECK(inner.load() == 6);
}

TEST_CASE("run_on_threads: calls from two threads at once both complete", "[autodiff][threads]") {
  std::atomic<long> a{0}, b{0};
  std::thread other([&] {
    for (int i = 0; i < 300; ++i) ad::run_on_threads(3, 2, [&](std::size_t, std::size_t) { a++; });
  });
  for (int i = 0; i < 300; ++i) ad::run_on_threads(3, 2, [&](std::size_t, std::size_t) { b++; });
  other.join();
  CHECK(a.load() == 900);
  CHECK(b.load() == 900);
}

TEST_CASE("parallel_for: BLAS calls inside a body see one thread, and an exception restores that",
          "[autodiff][threads]") {
  const int before = ad::blas::num_threads();
  ad::blas::set_num_threads(2, ad::blas::Threading::own);
  std::atomic<std::size_t> nested{0};
  ad::blas::parallel_for(2, [&](std::size_t, std::size_t) {
    nested += ad::blas::parallel_threads(8);  // 1 inside a body
  });
  CHECK(nested.load() == 2);
  CHECK_THROWS(ad::blas::parallel_for(
      2, [](std::size_t, std::size_t) { throw std::runtime_error("body"); }));
  CHECK(ad::blas::parallel_threads(8) == 2);  // outside again
  ad::blas::set_num_threads(before);
}

TEST_CASE("run_on_threads: Schedule::fixed gives thread t the ranges t, t + threads, ...",
          "[autodiff][threads]") {
  for (int call = 0; call < 50; ++call) {
    std::vector<std::size_t> ran_on(10, 99);
    ad::run_on_threads(
        10, 3, [&](std::size_t range, std::size_t thread) { ran_on[range] = thread; },
        ad::Schedule::fixed);
    for (std::size_t range = 0; range < 10; ++range) CHECK(ran_on[range] == range % 3);
  }
}
