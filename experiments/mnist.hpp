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

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"
#include "data_loaders/mnist.hpp"
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

 private:
  MnistVariant variant_;
  nn::Sequential<float> net_;
  std::vector<nn::Dense<float>*> dense_;
  std::vector<nn::OverparamDense<float>*> overparam_;
};

struct MnistConfig {
  std::string variant = "original";  // original|overparam
  std::size_t epochs = 10;
  std::size_t steps = 0;  // 0: epochs · training images / batch size (8593 for 10 epochs)
  std::size_t batch_size = 64;
  std::string l2_on = "product";  // product|factors
  std::size_t eval_every = 1000;  // validation and test error every K steps (0: at the end only)
  std::size_t eval_batch = 500;   // images per forward pass when evaluating
  std::uint64_t seed = mnist_default_seed;
  bool progress = false;  // a progress line on a terminal
  bool verbose = false;   // a line on stdout at each evaluation
  std::string progress_label = "mnist";
};

// Throws std::invalid_argument naming the flag for an out-of-range setting.
void validate_mnist_config(const MnistConfig& config);

struct MnistEval {
  std::size_t step = 0;         // steps done when evaluated
  double validation_error = 0;  // percent of validation images misclassified
  double test_error = 0;        // percent of test images misclassified
};

struct MnistResult {
  std::size_t steps = 0;           // steps done (fewer than asked if the loss diverged)
  std::vector<double> batch_loss;  // the loss of each step's batch, before its update
  std::vector<double> lr;          // the learning rate of each step
  std::vector<MnistEval> evals;    // every eval_every steps, and at the end
  std::size_t num_parameters = 0;
  bool diverged = false;     // the loss became NaN or infinite; training stopped there
  bool interrupted = false;  // SIGINT/SIGTERM stopped training (no final evaluation then)
  double train_seconds = 0;  // the training steps alone
  double eval_seconds = 0;   // the evaluations alone
  double seconds_per_step() const { return steps ? train_seconds / double(steps) : 0.0; }
};

// The steps a config runs on `train_images` training images.
std::size_t mnist_steps(const MnistConfig& config, std::size_t train_images);

// Percent of `split`'s images the model misclassifies (evaluation mode, no gradients; the
// model is left in evaluation mode).
double mnist_error(MnistModel& model, const data::MnistSplit& split, std::size_t batch = 500);

// Trains from scratch. Requires: a valid config; more training images than the batch size
// (throws std::invalid_argument otherwise).
MnistResult train_mnist(const data::Mnist& mnist, const MnistConfig& config);

// `overparam mnist`.
int run_mnist(int argc, char** argv);

// The paper's claims about its last figure, judged on a run of both variants, a line each:
// "- holds: CLAIM. This run: NUMBERS.", "- does not hold: ..." or "- not judged: ..." where the
// run is too short to tell (the claims about the end need 10 epochs, 8593 steps).
std::string mnist_verdicts(const MnistResult& original, const MnistResult& overparam);

// `overparam mnist-figure [--quick] [--out DIR]`: both variants, their batch losses on one
// log-scale plot like the paper's, and the paper's numbers beside this run's in a table.
int run_mnist_figure(int argc, char** argv);

}  // namespace experiments
