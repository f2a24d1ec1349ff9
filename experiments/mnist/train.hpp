// Training the MNIST convnet (mnist/model.hpp): the tutorial's recipe, step by step, with the
// batch loss of every step and the validation and test errors every few steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/conv.hpp"
#include "data_loaders/mnist.hpp"
#include "experiments/mnist/model.hpp"
#include "optim/optimizer.hpp"

namespace experiments {

struct MnistCheckpoint;

struct MnistConfig {
  MnistVariant variant = MnistVariant::original;
  std::size_t epochs = 10;
  std::size_t steps = 0;  // 0: epochs · training images / batch size (8593 for 10 epochs)
  std::size_t batch_size = 64;
  L2On l2_on = L2On::product;
  std::size_t eval_every = 1000;  // validation and test error every K steps (0: at the end only)
  std::size_t eval_batch = 500;   // images per forward pass when evaluating
  std::uint64_t seed = mnist_default_seed;
  ad::ConvAlgorithm conv = ad::ConvAlgorithm::automatic;  // how conv2d computes (--conv)
  bool progress = false;                                  // a progress line on a terminal
  bool verbose = false;                                   // a line on stdout at each evaluation
  std::string progress_label = "mnist";
  // Called after each step with 1 (a runner's shared progress line; not called when empty).
  std::function<void(std::size_t)> on_step;
  // Called with the whole state every checkpoint_seconds of training and when SIGINT/SIGTERM
  // stops it (not called when empty).
  std::function<void(const MnistCheckpoint&)> save_checkpoint;
  double checkpoint_seconds = std::numeric_limits<double>::infinity();
  // Continue this checkpoint's run instead of starting one (the same config it was taken with).
  std::shared_ptr<const MnistCheckpoint> resume;
};

// Throws std::invalid_argument naming the flag for an out-of-range setting (the command line
// calls it; train_mnist calls it again, as its own contract).
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

// What train_mnist hands to save_checkpoint: everything a step depends on, so that a resumed run
// takes the steps the uninterrupted one would have, bit for bit. The batch of a step and its rate
// follow from the step itself (batches in order, the staircase schedule).
struct MnistCheckpoint {
  std::size_t step = 0;                       // steps done: the next one to take
  std::vector<ad::Tensor<float>> parameters;  // in the order of net().parameters()
  optim::OptimizerState<float> optimizer;     // Momentum's velocity and rate
  std::uint64_t dropout_calls = 0;            // masks drawn so far
  MnistResult result;                         // the rows so far and the timings
};

// The steps a config runs on `train_images` training images.
std::size_t mnist_steps(const MnistConfig& config, std::size_t train_images);

// Percent of `split`'s images the model misclassifies (evaluation mode, no gradients; the
// model is left in evaluation mode).
double mnist_error(MnistModel& model, const data::MnistSplit& split, std::size_t batch = 500);

// Trains from scratch, or from config.resume's step on. Requires: a valid config; more training
// images than the batch size; a checkpoint of this model and of no more steps than the config's
// (throws std::invalid_argument otherwise).
MnistResult train_mnist(const data::Mnist& mnist, const MnistConfig& config);

// data/mnist in the source tree (scripts/fetch-mnist.sh puts the files there).
std::string default_mnist_dir();

// Runs the convnet on `threads` threads (0: one per core) of our own, with OpenBLAS on one
// thread: its own threads, spinning between calls, would take a core from the convolutions'
// (ad::blas::Threading, docs/PERFORMANCE.md).
void use_mnist_threads(int threads);

}  // namespace experiments
