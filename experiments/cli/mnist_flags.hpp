// The flags of `overparam mnist` (and of `overparam sweep mnist`): declared once, and turned
// once into a checked, typed MnistConfig.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "experiments/mnist/train.hpp"

namespace experiments {

// The flags of `overparam mnist` as the user typed them (strings for the choices).
struct MnistFlags {
  MnistConfig c;
  std::string variant = "original", l2_on = "product";
  std::string out, mnist_dir = default_mnist_dir();
  std::size_t validation_size = 5000;
  int threads = 0;
  std::string conv = "automatic";
  bool no_plot = false, no_progress = false;
  double checkpoint_every = 300;
  std::string resume;
};

// Declares the flags above (with their defaults and help) in `flags`, storing into `f`; without
// --checkpoint-every and --resume unless `resumable` (a sweep has a --resume of its own).
void add_mnist_flags(boost::program_options::options_description& flags, MnistFlags& f,
                     bool resumable = true);

// The choices and counts checked and set in f.c (variant, l2_on, conv); throws
// std::invalid_argument with the message for the user ("--variant must be ...").
void check_mnist_flags(MnistFlags& f);

}  // namespace experiments
