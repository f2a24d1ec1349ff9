// Built in the ThreadSanitizer build only (./test.sh --tsan). The l_p kernel is compiled there
// without instrumentation and reports the ranges it reads and writes itself; this program makes
// sure that those reports still let TSan see a race (without them, write-x goes unreported: the
// kernel's outputs are also zeroed through memset, which TSan intercepts). Its argument picks:
//   apart        two threads, each kernel writing its own outputs: no report
//   same-loss    two threads writing one loss (each its own gradient): a race
//   write-x      one thread writing the last row of X while the kernel reads it: a race
#include "autodiff/lp_kernel.hpp"

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "apart" && mode != "same-loss" && mode != "write-x") {
    std::fprintf(stderr, "usage: tsan_lp_kernel apart|same-loss|write-x\n");
    return 2;
  }
  const std::size_t m = 64, d = 8;
  std::vector<double> x(m * d, 0.5), v(d, 0.1), y(m, 1.0);
  std::vector<double> loss_a(1), grad_a(d), loss_b(1), grad_b(d);
  auto kernel = [&](double* loss, double* grad) {
    ad::lp_regression_kernel(x.data(), m, d, v.data(), 1, y.data(), 1, 4, loss, grad);
  };
  if (mode == "write-x") {
    std::thread writer([&] { x[m * d - 1] = 2.0; });
    kernel(loss_a.data(), grad_a.data());
    writer.join();
  } else {
    double* loss = mode == "apart" ? loss_b.data() : loss_a.data();
    std::thread a([&] { kernel(loss_a.data(), grad_a.data()); });
    std::thread b([&] { kernel(loss, grad_b.data()); });
    a.join();
    b.join();
  }
  std::printf("loss %g\n", loss_a[0]);
  return 0;
}
