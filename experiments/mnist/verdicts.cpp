#include "experiments/mnist/verdicts.hpp"
#include "experiments/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace experiments {

namespace {

std::string fmt(double v, const char* format = "%.4g") {
  return format_number(v, format);
}

}  // namespace

double mean_loss(const MnistResult& r, std::size_t first, std::size_t last) {
  last = std::min(last, r.batch_loss.size());
  if (first >= last) return std::nan("");
  double total = 0;
  for (std::size_t i = first; i < last; ++i) total += r.batch_loss[i];
  return total / double(last - first);
}

std::size_t crossing_step(const MnistResult& original, const MnistResult& overparam,
                          std::size_t window) {
  const std::size_t n = std::min(original.batch_loss.size(), overparam.batch_loss.size());
  std::size_t crossing = SIZE_MAX;
  for (std::size_t s = 0; s + window <= n; ++s) {
    const bool below = mean_loss(overparam, s, s + window) < mean_loss(original, s, s + window);
    if (!below)
      crossing = SIZE_MAX;
    else if (crossing == SIZE_MAX)
      crossing = s + window / 2;
  }
  return crossing;
}

std::string mnist_verdicts(const MnistResult& original, const MnistResult& overparam) {
  constexpr std::size_t full = 8593;  // 10 epochs of 55000 images at batch 64
  const std::size_t n = std::min(original.batch_loss.size(), overparam.batch_loss.size());
  const std::size_t cross = crossing_step(original, overparam);
  const std::string stopped = "this run stopped at " + std::to_string(n) + " steps";
  std::string out;
  auto say = [&out](const char* verdict, const std::string& claim, const std::string& numbers) {
    out += std::string("- ") + verdict + ": " + claim + ". This run: " + numbers + ".\n";
  };

  const std::string crossing_claim =
      "the overparameterized convnet's batch loss falls below the original's for good near step "
      "500 (paper; here within a factor of 2, on 50-step means)";
  if (cross != SIZE_MAX)
    say(cross >= 250 && cross <= 1000 ? "holds" : "does not hold", crossing_claim,
        "from step " + std::to_string(cross));
  else if (n >= 1000)
    say("does not hold", crossing_claim, "it never stays below in " + std::to_string(n) + " steps");
  else
    say("not judged", crossing_claim, "no crossing yet; " + stopped);

  const std::string end_claim =
      "after 10 epochs the overparameterized convnet's batch loss is at least 10x below the "
      "original's (paper: about 0.05 against 1.6)";
  const std::string error_claim =
      "after 10 epochs the original convnet's test error is below 1% (the tutorial's)";
  if (n < full) {
    say("not judged", end_claim, stopped);
    say("not judged", error_claim, stopped);
    return out;
  }
  const std::size_t tail = 100;
  const double end_original = mean_loss(original, n - tail, n);
  const double end_overparam = mean_loss(overparam, n - tail, n);
  say(10 * end_overparam <= end_original ? "holds" : "does not hold", end_claim,
      fmt(end_overparam) + " against " + fmt(end_original) + " (means of the last 100 steps)");
  if (original.evals.empty()) {
    say("not judged", error_claim, "no evaluation at the end");
  } else {
    const double error = original.evals.back().test_error;
    say(error < 1 ? "holds" : "does not hold", error_claim, fmt(error, "%.2f") + "%");
  }
  return out;
}

}  // namespace experiments
