#include "experiments/cli/commands.hpp"

namespace experiments {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"linear", "train a linear network (or the end-to-end rule) on l_p regression, gas data",
       run_linear},
      {"figure", "reproduce one of the paper's figures (--quick: in a minute)", run_figure_command},
      {"reproduce", "run every figure and write docs/REPRODUCTION.md with verdicts", run_reproduce},
      {"lsq", "least squares by gradient descent on a synthetic problem (a first look at the tape)",
       run_lsq},
      {"mnist", "train the MNIST tutorial convnet, or its overparameterized variant", run_mnist},
      {"mnist-figure", "the paper's last figure: both MNIST convnets on one plot (--quick)",
       run_mnist_figure},
      {"sweep", "train every combination of flags' values, from K seeds, locally or on MPI ranks",
       run_sweep},
      {"plot", "the curves of several runs (linear, mnist, figure folders) on one plot", run_plot},
      {"tape", "record a small example on the tape and write its graph (Graphviz DOT / PNG)",
       run_tape},
      {"theory", "the theory made visible: curl (no regularizer gives depth's update), toy",
       run_theory},
  };
  return all;
}

}  // namespace experiments
