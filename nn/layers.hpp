// Layers for convnets: Conv2D, MaxPool2D, ReLU, Dropout, Flatten, Dense, OverparamDense, and
// Sequential to chain them.
//
// Each layer is a Module (module.hpp): it owns its parameters, registered by name ("weight",
// "bias"; OverparamDense: "weight1", "weight2", "bias"), and records its forward pass on the
// tape of its input with the ops of autodiff/. Layers without parameters (ReLU, MaxPool2D,
// Flatten, Dropout) are modules too, so a Sequential can hold a whole network:
//
//   nn::Sequential<float> net;
//   net.emplace<nn::Conv2D<float>>("conv1", nn::Conv2DOptions{.in_channels = 1,
//                                            .out_channels = 32, .kernel = 5, .seed = 1});
//   net.emplace<nn::ReLU<float>>("relu1");
//   net.emplace<nn::MaxPool2D<float>>("pool1");
//   net.emplace<nn::Flatten<float>>("flatten");
//   net.emplace<nn::Dense<float>>("fc", nn::DenseOptions{.in = 32 * 14 * 14, .out = 10});
//   ad::Var<float> logits = net.forward(tape.input(images));   // images [N,1,28,28]
//   net.named_parameters();  // conv1.weight, conv1.bias, fc.weight, fc.bias
//
// Initialization follows TensorFlow's MNIST tutorial (convolutional.py): weights from a
// truncated normal with std 0.1 (a normal whose draws beyond two standard deviations are drawn
// again), biases a constant. Each layer draws its weights in reset_parameters() from its own
// `seed`, so a model is reproducible from the seeds its builder hands out (derive_seed).
// Dense weights are stored [in, out] as in TensorFlow, y = x·W + b, so an overparameterized
// weight W = W1·W2 reads in the order the factors are applied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/conv.hpp"
#include "autodiff/pool.hpp"
#include "autodiff/tape.hpp"
#include "nn/module.hpp"

namespace nn {

// A seed for stream `stream` of a run seeded with `seed` (SplitMix64 of their mix): distinct,
// well-spread seeds for the layers of one model and for each step's dropout mask.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

// Fills t with draws from N(0, std²) truncated to [-2·std, 2·std] by redrawing, as TensorFlow's
// tf.truncated_normal. The uniform draws come from std::mt19937_64 (specified by the standard)
// and the normals from Box-Muller written out here, so the values are the same on every
// platform. Requires: std > 0 and finite (throws std::invalid_argument otherwise).
template <typename T>
void fill_truncated_normal(ad::Tensor<T>& t, double std, std::uint64_t seed);

// ---- Conv2D -----------------------------------------------------------------------------------

struct Conv2DOptions {
  std::size_t in_channels = 0;
  std::size_t out_channels = 0;
  std::size_t kernel = 0;  // kernel×kernel
  std::size_t stride = 1;
  ad::Padding padding = ad::Padding::same;
  bool bias = true;
  double init_std = 0.1;   // weights: truncated normal with this std
  double bias_init = 0.0;  // every bias starts here
  std::uint64_t seed = 0;
};

// x[N,C,H,W] -> y[N,O,OH,OW] = conv2d(x, weight) + bias  (conv.hpp: cross-correlation, NCHW).
// Parameters: weight [O,C,K,K], bias [O] (unless options.bias is false).
template <typename T>
class Conv2D : public Module<T> {
 public:
  // Requires: in_channels, out_channels, kernel, stride >= 1; init_std > 0; bias_init finite
  //           (throws std::invalid_argument naming Conv2D and the option).
  explicit Conv2D(Conv2DOptions options);
  // Draws the weight afresh from options().seed; sets every bias to options().bias_init.
  void reset_parameters();
  // Requires: x [N, in_channels, H, W] (throws std::invalid_argument naming the layer and the
  //           shape otherwise, with a hint for flat images).
  ad::Var<T> forward(ad::Var<T> x) override;

  const Conv2DOptions& options() const { return options_; }
  ad::Parameter<T>& weight() { return weight_; }
  ad::Parameter<T>& bias() { return bias_; }  // empty [0] when options().bias is false
  std::string describe() const;               // "Conv2D(1->32, 5x5, same)"

 private:
  Conv2DOptions options_;
  ad::Parameter<T> weight_;
  ad::Parameter<T> bias_;
};

// ---- parameterless layers ---------------------------------------------------------------------

// x[N,C,H,W] -> y[N,C,OH,OW]: max over each window (pool.hpp; ties go to the first maximum).
template <typename T>
class MaxPool2D : public Module<T> {
 public:
  // Requires: kernel, stride >= 1 (throws std::invalid_argument).
  explicit MaxPool2D(ad::Pool2dOptions options = {});
  ad::Var<T> forward(ad::Var<T> x) override;
  const ad::Pool2dOptions& options() const { return options_; }

 private:
  ad::Pool2dOptions options_;
};

// max(x, 0) elementwise, any shape.
template <typename T>
class ReLU : public Module<T> {
 public:
  ad::Var<T> forward(ad::Var<T> x) override;
};

// x[N, d1, d2, ...] -> y[N, d1·d2·...]: feature maps to a dense layer's rows.
template <typename T>
class Flatten : public Module<T> {
 public:
  ad::Var<T> forward(ad::Var<T> x) override;
};

// Inverted dropout (dropout.hpp): in training mode each element is kept with probability
// keep_prob and scaled by 1/keep_prob; in evaluation mode (eval()) the identity.
// Every training-mode forward() draws a new mask: call k (counted from construction or from the
// last set_seed) uses the mask seeded by derive_seed(seed, k), so two layers given the same seed
// and called the same number of times produce the same masks.
template <typename T>
class Dropout : public Module<T> {
 public:
  // Requires: 0 < keep_prob <= 1 (throws std::invalid_argument naming Dropout).
  explicit Dropout(double keep_prob, std::uint64_t seed = 0);
  ad::Var<T> forward(ad::Var<T> x) override;
  // Restarts the sequence of masks from a new seed.
  void set_seed(std::uint64_t seed);
  double keep_prob() const { return keep_prob_; }
  std::uint64_t calls() const { return calls_; }  // training-mode forward calls so far
  // Continues the sequence as if `calls` training-mode forward calls had been made (a resumed
  // run draws the masks the uninterrupted one would have).
  void set_calls(std::uint64_t calls) { calls_ = calls; }

 private:
  double keep_prob_;
  std::uint64_t seed_;
  std::uint64_t calls_ = 0;
};

// ---- Dense and OverparamDense -------------------------------------------------------------------

struct DenseOptions {
  std::size_t in = 0;
  std::size_t out = 0;
  bool bias = true;
  double init_std = 0.1;
  double bias_init = 0.1;
  std::uint64_t seed = 0;
};

// x[N,in] -> y[N,out] = x·W + b.  Parameters: weight [in,out], bias [out].
template <typename T>
class Dense : public Module<T> {
 public:
  // Requires: in, out >= 1; init_std > 0; bias_init finite (throws std::invalid_argument).
  explicit Dense(DenseOptions options);
  void reset_parameters();
  // Requires: x [N, in] (throws std::invalid_argument naming the layer; a rank-4 input gets the
  //           hint to Flatten first).
  ad::Var<T> forward(ad::Var<T> x) override;

  const DenseOptions& options() const { return options_; }
  ad::Parameter<T>& weight() { return weight_; }
  ad::Parameter<T>& bias() { return bias_; }
  std::string describe() const;  // "Dense(3136->512)"

 private:
  DenseOptions options_;
  ad::Parameter<T> weight_;
  ad::Parameter<T> bias_;
};

struct OverparamDenseOptions {
  std::size_t in = 0;
  std::size_t hidden = 0;  // the inner dimension of the product W1·W2
  std::size_t out = 0;
  bool bias = true;
  double init_std = 0.1;  // each factor is drawn like a Dense weight
  double bias_init = 0.1;
  std::uint64_t seed = 0;
};

// A dense layer whose weight is a product of two matrices (Arora, Cohen & Hazan, ICML 2018,
// section 8): x[N,in] -> y[N,out] = x·(W1·W2) + b, with W1 [in,hidden] and W2 [hidden,out], and
// nothing (no bias, no nonlinearity) between the factors. It computes nothing a Dense layer
// could not; what changes is how gradient descent moves the product.
// Parameters: weight1 [in,hidden], weight2 [hidden,out], bias [out].
//
// forward() never forms W1·W2: it multiplies in the cheaper of (x·W1)·W2, costing
// N·in·hidden + N·hidden·out multiply-adds, and x·(W1·W2), costing in·hidden·out + N·in·out.
// For the MNIST model's 3136x512x512 layer at batch 64, that is 120M against 925M.
template <typename T>
class OverparamDense : public Module<T> {
 public:
  // Requires: in, hidden, out >= 1; init_std > 0; bias_init finite (throws
  //           std::invalid_argument naming OverparamDense and the option).
  explicit OverparamDense(OverparamDenseOptions options);
  // Draws weight1 from derive_seed(seed, 1) and weight2 from derive_seed(seed, 2).
  void reset_parameters();
  // Requires: x [N, in], as Dense::forward.
  ad::Var<T> forward(ad::Var<T> x) override;

  // The end-to-end weight W1·W2 [in,out] from the current values, not on a tape.
  ad::Tensor<T> product() const;
  // ||W1·W2||² (the sum of the squares of the product's entries) recorded on `tape`, without
  // forming the product: ad::product_sum_squares (autodiff/product_norm.hpp) of the two
  // factors, through the Gram matrices W1ᵀW1 and W2·W2ᵀ, which costs one and a half
  // in·hidden·hidden products per step where forming the product would cost three.
  ad::Var<T> product_sum_squares(ad::Tape<T>& tape);
  // "(x·W1)·W2" or "x·(W1·W2)": the order forward() uses for a batch of `rows`.
  std::string order(std::size_t rows) const;

  const OverparamDenseOptions& options() const { return options_; }
  ad::Parameter<T>& weight1() { return weight1_; }
  ad::Parameter<T>& weight2() { return weight2_; }
  ad::Parameter<T>& bias() { return bias_; }
  std::string describe() const;  // "OverparamDense(3136->512->512)"

 private:
  bool factors_first(std::size_t rows) const;  // true: (x·W1)·W2
  OverparamDenseOptions options_;
  ad::Parameter<T> weight1_;
  ad::Parameter<T> weight2_;
  ad::Parameter<T> bias_;
};

// ---- Sequential -------------------------------------------------------------------------------

// Modules applied one after another: forward(x) = m_k(... m_2(m_1(x))). Each child is
// registered under its name, so its parameters appear as "name.weight"; train()/eval() reach
// every child.
template <typename T>
class Sequential : public Module<T> {
 public:
  Sequential() = default;

  // Appends a module built in place from `args` and returns it (owned by the Sequential).
  // Requires: `name` not empty and not used by an earlier child (throws std::invalid_argument).
  template <typename M, typename... Args>
  M& emplace(std::string name, Args&&... args) {
    auto module = std::make_unique<M>(std::forward<Args>(args)...);
    M& ref = *module;
    append(std::move(name), std::move(module));
    return ref;
  }
  // Appends an existing module (ownership moves to the Sequential).
  Module<T>& append(std::string name, std::unique_ptr<Module<T>> module);

  // Requires: at least one child (throws std::logic_error otherwise).
  ad::Var<T> forward(ad::Var<T> x) override;

  std::size_t size() const { return children_.size(); }
  Module<T>& operator[](std::size_t i) { return *children_.at(i).second; }
  // The child called `name` (throws std::out_of_range listing the names otherwise).
  Module<T>& at(const std::string& name);
  const std::string& name(std::size_t i) const { return children_.at(i).first; }

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Module<T>>>> children_;
};

}  // namespace nn
