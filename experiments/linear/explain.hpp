// `overparam linear --explain K`: what one gradient step on a deep linear network is made of.
//
// For each of the first K iterations it shows the end-to-end matrix W = W_N ··· W_1, the
// gradient G = dL/dW of the loss at W, the change of W that the end-to-end rule predicts
// (Arora, Cohen & Hazan 2018, Theorem 1)
//
//   ΔW_rule = -lr·λ·N·W - lr · Σ_j [W Wᵀ]^((j-1)/N) G [Wᵀ W]^((N-j)/N)
//           = -lr·λ·N·W - lr · ||W||^(2-2/N) · (G + (N-1)·<G,u>·u),  u = W/||W||   (one output)
//
// with each of its pieces (the adaptive factor, the gradient, the (N-1)-weighted projection on
// W's own direction), the change the network's layers actually produced, their relative
// difference, and the balancedness gap max_j ||W_{j+1}ᵀ W_{j+1} - W_j W_jᵀ|| whose vanishing the
// theorem assumes. At small learning rates, from a balanced start, the two changes agree.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/deep_linear.hpp"

namespace experiments {

struct ExplainStep {
  std::size_t iteration = 0;
  std::size_t depth = 1;
  double loss = 0;
  double w_norm = 0;           // ||W||
  double g_norm = 0;           // ||G||
  std::vector<double> g_head;  // the first entries of G
  // The single-output pieces (k = 1); for k > 1 only the totals are filled.
  bool single_output = false;
  double factor = 0;               // ||W||^(2-2/N)
  double g_along_w = 0;            // <G, u>
  double projection_norm = 0;      // ||(N-1)<G,u>u||
  double predicted_norm = 0;       // ||ΔW_rule||
  double actual_norm = 0;          // ||ΔW_network||
  double relative_difference = 0;  // ||ΔW_network - ΔW_rule|| / ||ΔW_rule||
  std::vector<double> predicted_head, actual_head;
  double balancedness_gap = 0;
  bool predicted = false;  // false when the optimizer is not gradient descent
};

// Watches one training step of `net`: call before() just before the optimizer's step (with the
// loss of this iteration) and after() right after it.
template <typename T>
class StepExplainer {
 public:
  // loss_factor: the problem's loss over nn::lp_loss's (p for the paper's 1/m scale, problem.hpp).
  // predict: the optimizer is gradient descent (the rule describes GD, with weight decay λ).
  StepExplainer(nn::DeepLinear<T>& net, const ad::Tensor<T>& x, const ad::Tensor<T>& y, int p,
                double loss_factor, double lr, double weight_decay, bool predict);
  void before(std::size_t iteration, double loss);
  ExplainStep after();

 private:
  nn::DeepLinear<T>& net_;
  const ad::Tensor<T>& x_;
  const ad::Tensor<T>& y_;
  int p_;
  double loss_factor_, lr_, weight_decay_;
  bool predict_;
  ExplainStep step_;
  ad::Tensor<double> w_before_, predicted_change_;
};

// The balancedness gap max_j ||W_{j+1}ᵀ W_{j+1} - W_j W_jᵀ||_F (0 for depth 1).
template <typename T>
double balancedness_gap(const nn::DeepLinear<T>& net);

// Prints one step as an aligned block of text.
void print_explain(std::FILE* out, const ExplainStep& s);

}  // namespace experiments
