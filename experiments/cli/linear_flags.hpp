// The flags of `overparam linear` (and of every command that trains linear runs): declared
// once, and turned once into a checked, typed LinearConfig.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "data_loaders/gas.hpp"
#include "experiments/linear/trainer.hpp"

namespace experiments {

// The flags of `overparam linear` as the user typed them (strings for the choices).
struct LinearFlags {
  std::string data = std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
  std::string normalize = "zscore", optimizer = "gd", init = "normal", dtype = "float64";
  std::string loss_scale = "mean", optimizer_defaults = "tensorflow";
  // Set only when given: otherwise the preset's value (optim/hyperparameters.hpp).
  std::optional<double> momentum, beta1, beta2, eps, rho, initial_accumulator, initial_mean_square;
  std::string lr_grid, save_init, load_init, out;
  int gas = 1, p = 2, threads = 0;
  double lr = 1e-3, weight_decay = 0, init_std = 0.01;
  std::size_t depth = 1, width = 1, iterations = 1000, log_every = 0, explain = 0;
  std::uint64_t seed = 0;
  bool no_plot = false, no_progress = false, whiten = false;
};

// Declares the flags above (with their defaults and help) in `flags`, storing into `f`.
void add_linear_flags(boost::program_options::options_description& flags, LinearFlags& f);

// The flags checked and turned into typed settings, in the order the messages have always come:
// the loss, threads, the rates, the model, the optimizer, the data. Throws
// std::invalid_argument with the message for the user ("--depth must be between 1 and 16, got
// 0"); sets `normalization` from --normalize and `loss_scale` from --loss-scale. The memory
// the run needs depends on the data's shape, so it is checked once the file is read
// (require_linear_memory).
LinearConfig check_linear_flags(const LinearFlags& f, data::Normalization& normalization,
                                LossScale& loss_scale);

// The optimizer's hyperparameters as `hyper` sets them, "tensorflow: beta1 0.9, beta2 0.999,
// eps 1e-08", for the header a run prints.
std::string describe_hyperparameters(optim::OptimizerKind kind, const optim::Hyperparameters& h);

// Throws std::invalid_argument ("depth 16, width 4096, 3 rates, 128 features needs about 33.9 GB
// of memory, more than ...") when training `c` on data of `rows` x `features` would need more
// memory than the machine has (linear_training_bytes, with the real shape of the data).
void require_linear_memory(const LinearConfig& c, std::size_t rows, std::size_t features, int p);

}  // namespace experiments
