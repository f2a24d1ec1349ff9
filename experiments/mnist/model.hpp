// The paper's last experiment (Arora, Cohen & Hazan, ICML 2018, section 8): TensorFlow's MNIST
// convnet tutorial (tutorials/image/mnist/convolutional.py), and the same network with each
// dense layer's weight replaced by a product of two matrices.
//
// The model, for images [N,1,28,28] with pixels in [-0.5, 0.5]:
//   conv 5x5x32 same + ReLU + maxpool 2  ->  conv 5x5x64 same + ReLU + maxpool 2  ->  flatten
//   -> dense 3136->512 + ReLU -> dropout 0.5 (training only) -> dense 512->10 (logits)
// (each ReLU + maxpool is computed as maxpool, then ReLU: they commute, so the function and its
// gradient are the same, and the ReLU sees a quarter of the values).
// Weights truncated normal with std 0.1, biases 0 for conv1 and 0.1 elsewhere. The loss is the
// mean softmax cross-entropy plus 5e-4 · (l2 of the dense weights and biases), l2(x) = sum(x²)/2;
// Momentum 0.9 (TensorFlow's semantics) with lr = 0.01 · 0.95^epoch, batch 64, 10 epochs of the
// 55,000 training images (8593 steps). As in the tutorial, batches are taken in order, without
// shuffling: step s uses the images from offset (s · 64) mod (55000 - 64).
//
// The overparameterized variant: dense 3136->512 becomes 3136->512->512 and dense 512->10
// becomes 512->10->10 (nn::OverparamDense: the two factors multiplied, with no bias or
// nonlinearity between them), the new matrices drawn like the others. This adds about 15% of
// parameters and no expressiveness. The paper does not say whether the L2 term sees the
// product or each factor, so both are offered: --l2-on product (the default) puts
// l2(W1·W2) in the loss, whose initial value, about 15, matches the paper's plot; --l2-on
// factors puts l2(W1) + l2(W2).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"
#include "nn/layers.hpp"

namespace experiments {

enum class MnistVariant { original, overparam };
enum class L2On { product, factors };

// "original" or "overparam" / "product" or "factors"; anything else throws
// std::invalid_argument listing the choices.
MnistVariant parse_mnist_variant(const std::string& name);
L2On parse_l2_on(const std::string& name);
const char* to_string(MnistVariant variant);
const char* to_string(L2On l2_on);

// The tutorial's constants.
inline constexpr std::uint64_t mnist_default_seed = 66478;
inline constexpr double mnist_weight_decay = 5e-4;
inline constexpr double mnist_momentum = 0.9;
inline constexpr double mnist_base_lr = 0.01;
inline constexpr double mnist_lr_decay = 0.95;  // per epoch, staircase

// The convnet of the tutorial (or its overparameterized variant) on float32.
class MnistModel {
 public:
  // Parameters are drawn from `seed`, each layer from its own derived seed; dropout masks too.
  MnistModel(MnistVariant variant, std::uint64_t seed);

  // images [N,1,28,28] -> logits [N,10]. Dropout is active in training mode only.
  ad::Var<float> forward(ad::Var<float> images) { return net_.forward(images); }
  // sum of l2(x) = sum(x²)/2 over the dense layers' weights and biases; for the
  // overparameterized layers, l2 of the product W1·W2 or of each factor, as `l2_on` says
  // (ignored by the original model).
  ad::Var<float> l2(ad::Tape<float>& tape, L2On l2_on);

  nn::Sequential<float>& net() { return net_; }
  MnistVariant variant() const { return variant_; }
  void train(bool on = true) { net_.train(on); }
  void eval() { net_.eval(); }
  // The dropout layer, whose count of masks drawn a checkpoint keeps.
  nn::Dropout<float>& dropout() { return *dropout_; }

 private:
  MnistVariant variant_;
  nn::Sequential<float> net_;
  std::vector<nn::Dense<float>*> dense_;
  std::vector<nn::OverparamDense<float>*> overparam_;
  nn::Dropout<float>* dropout_ = nullptr;
};

}  // namespace experiments
