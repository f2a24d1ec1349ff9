// DeepLinear: a depth-N linear network, x ↦ W_N ··· W_2 W_1 x, the paper's overparameterization.
//
// A depth-N network computes nothing a single matrix could not: its end-to-end matrix
// W_e = W_N ··· W_1 [k,d] is all that matters for the output. What changes is how gradient
// descent moves W_e (Arora, Cohen & Hazan, ICML 2018, Theorem 1): as if a single matrix were
// trained with a preconditioner that depends on W_e itself. Layer shapes, for input dimension d,
// hidden width w and output dimension k:  W_1 [w,d], W_2 ... W_{N-1} [w,w], W_N [k,w]
// (depth 1: a single W_1 [k,d]). Each W_j is stored (out, in), W_1 the one that touches the data.
//
// Initializations:
//   normal    every entry N(0, std²): near zero for the default std 0.01, as in the paper.
//   identity  W_1 normal, every later layer the rectangular identity (ones on its diagonal).
//   balanced  W_e drawn with N(0, std²) entries, then split through its SVD W_e = U Σ Vᵀ as
//             W_1 = A_2 Σ^(1/N) Vᵀ, W_j = A_{j+1} Σ^(1/N) A_jᵀ, W_N = U Σ^(1/N) A_Nᵀ with random
//             orthonormal A_j [w,r], so that W_{j+1}ᵀ W_{j+1} = W_j W_jᵀ holds exactly (Arora,
//             Cohen, Golowich & Hu, ICLR 2019). When w < rank(W_e) the split keeps the w largest
//             singular values.
//
// forward() multiplies the data matrix and the layers in the cheapest order (the classic
// matrix-chain dynamic program over X[m,d], W_1ᵀ, ..., W_Nᵀ), so a width-100 network costs
// little more per step than a width-1 one: with k = 1 the layers are collapsed to a vector first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"
#include "nn/module.hpp"

namespace nn {

enum class Init { normal, identity, balanced };
// "normal", "identity" or "balanced"; anything else throws std::invalid_argument listing them.
Init parse_init(const std::string& name);
const char* init_name(Init init);

struct DeepLinearOptions {
  std::size_t input_dim = 1;
  std::size_t output_dim = 1;
  std::size_t depth = 1;
  std::size_t width = 1;  // hidden width, unused for depth 1
  Init init = Init::normal;
  double init_std = 0.01;
  std::uint64_t seed = 0;
};

template <typename T>
class DeepLinear : public Module<T> {
 public:
  static constexpr std::size_t max_depth = 16;
  // Requires: 1 <= depth <= 16; input, output, width >= 1; init_std > 0; the layers fit in
  //           memory (at most 2^28 parameters). Throws std::invalid_argument naming the option.
  explicit DeepLinear(DeepLinearOptions options);

  // Draws every layer afresh from options().init with options().seed.
  void reset_parameters();

  // X[m,d] -> Yhat[m,k] = X · W_1ᵀ · ... · W_Nᵀ, multiplied in the cheapest order.
  ad::Var<T> forward(ad::Var<T> x) override;

  // W_e = W_N ··· W_1 [k,d], computed now from the current values (not on a tape).
  ad::Tensor<T> end_to_end() const;
  // The same product recorded on `tape` (left to right: W_N · W_{N-1} first, the cheap order
  // for few outputs), so that a loss of W_e can be differentiated into the layers.
  ad::Var<T> record_end_to_end(ad::Tape<T>& tape);
  // The multiplication order forward() uses for m rows, e.g. "(X·(W1ᵀ·(W2ᵀ·W3ᵀ)))".
  std::string chain_order(std::size_t rows) const;

  std::size_t depth() const { return layers_.size(); }
  ad::Parameter<T>& layer(std::size_t j) { return layers_.at(j); }  // j = 0 is W_1
  const ad::Parameter<T>& layer(std::size_t j) const { return layers_.at(j); }
  const DeepLinearOptions& options() const { return options_; }

 private:
  struct Chain;  // the dynamic program's split table
  Chain plan(std::size_t rows) const;

  DeepLinearOptions options_;
  std::vector<ad::Parameter<T>> layers_;
};

}  // namespace nn
