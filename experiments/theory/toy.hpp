// The paper's two-example toy: why the rate that depth adapts helps, in the smallest case.
//
// Two examples ([1,0], y1) and ([0,1], y2) with y1 >> y2 and the l_p loss (p > 2):
//   L(w) = ((w1-y1)^p + (w2-y2)^p) / (2p),     ∂L/∂w_i = (w_i - y_i)^(p-1) / 2.
// The coordinates separate, and the curvature along coordinate i is (p-1)(w_i-y_i)^(p-2)/2: at
// the start, w = 0, it is (y1/y2)^(p-2) times larger along w1 than along w2. Gradient descent
// from 0 converges only for η < 4 / y1^(p-2) (the first step lands at w1 = η y1^(p-1)/2 and must
// not overshoot y1 by more than y1; after that every step contracts), so its largest stable rate
// is set by the large coordinate, and the small one crawls at that rate.
//
// Depth 2: the smallest deep linear network, x -> v·(aᵀx) (a in R², v a scalar; DeepLinear with
// depth 2 and width 1), trained by plain GD on (a, v). Its end-to-end vector w = v·a moves by
// -η (v² g + (aᵀg) a), which for a balanced start (v² = ||a||²) is the end-to-end rule with
// N = 2: the step is multiplied by ||w|| = v², small at the start where the gradient is huge,
// about y1 at the end, so the small coordinate gets the rate η·||w|| ≈ η·y1. We train the real
// two-factor network, not the rule, so what is shown is gradient descent itself, not its
// small-step limit. It starts balanced and tiny with a along e1, so that w2 starts at 0 as in GD.
// Each method runs at a fraction of its own largest stable rate, found by bisection. Why not a
// diagonal network, and what the measurement shows: docs/TUTORIAL.md, section 3.3.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace experiments {

struct ToyConfig {
  double y1 = 100, y2 = 1;
  int p = 4;
  std::size_t iterations = 30000;
  double fraction = 0.9;     // run each method at this fraction of its largest stable rate
  double init_scale = 1e-3;  // depth 2: ||a|| = v = init_scale (balanced), a along e1
};

struct ToyRun {
  std::string name;
  double lr = 0;                     // the rate used
  double largest_stable = 0;         // found by bisection
  std::vector<double> dist1, dist2;  // |w_i - y_i| after t steps, t = 0 ... iterations
  double final_rate2 = 0;            // the learning rate the small coordinate sees at the end
};

struct ToyResult {
  ToyRun gd, deep;
  double gd_bound = 0;  // the closed form 4 / y1^(p-2)
};

// Throws std::invalid_argument naming the flag for an invalid config.
void validate_toy(const ToyConfig& c);
// Finds each method's largest stable rate (the run stays bounded and ends below its starting
// loss) by bisection over the full run, then runs each at c.fraction of it. Throws
// experiments::Interrupted within 1,024 steps of a SIGINT or SIGTERM (report/interrupt.hpp):
// until both final runs are done there is no result to keep.
ToyResult run_toy_experiment(const ToyConfig& c);

// The first t with dist[t] <= target, or -1.
long long first_iteration_below(const std::vector<double>& dist, double target);

}  // namespace experiments
