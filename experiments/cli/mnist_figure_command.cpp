// `overparam mnist-figure` (also `overparam figure mnist`): the paper's last figure.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <vector>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/mnist_common.hpp"
#include "experiments/figures/mnist_runs.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/report/console.hpp"
#include "experiments/report/files.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_mnist_figure(int argc, char** argv) {
  std::string out, mnist_dir = default_mnist_dir(), l2_on = "both";
  bool quick = false, no_plot = false, no_progress = false;
  int threads = 0;
  std::string conv = "automatic";
  std::size_t steps = 0, validation_size = 5000;
  po::options_description flags(
      "overparam mnist-figure: the paper's last figure. Trains the MNIST tutorial convnet and\n"
      "its overparameterized variant from the same seed (by default the variant twice: L2 on\n"
      "the product W1*W2, and on each factor), plots the batch losses on one log scale, and\n"
      "sets the paper's numbers beside this run's. Here the runs train one after another on\n"
      "--threads; under mpirun (docs/CLUSTER.md) each on a rank of its own, at once.\n\n"
      "Usage: overparam mnist-figure [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "quick", po::bool_switch(&quick),
      "600 steps per run (a minute or two each): the start and the crossing, not the end")(
      "steps", po::value(&steps)->default_value(0), "steps per run (0: 10 epochs, 8593)")(
      "l2-on", po::value(&l2_on)->default_value(l2_on),
      "product|factors|both: where the overparameterized variant's L2 penalty goes (see "
      "'overparam mnist'); both trains it once with each")(
      "threads", po::value(&threads)->default_value(0),
      "threads of each run (0: one per core; under MPI one a rank); the last bits of the "
      "losses depend on it")(
      "conv", po::value(&conv)->default_value(conv),
      "how the convolutions compute: automatic (Winograd where it has fewer multiply-adds, "
      "im2col elsewhere), im2col or fast")(
      "mnist-dir", po::value(&mnist_dir)->default_value(mnist_dir),
      "folder with the four MNIST files (scripts/fetch-mnist.sh)")(
      "validation-size", po::value(&validation_size)->default_value(validation_size),
      "training images held out for validation (the first ones, as in the tutorial)")(
      "out", po::value(&out), "output folder (default: runs/figure-mnist[-quick])")(
      "plot", po::bool_switch(), "draw mnist.png (the default)")(
      "no-plot", po::bool_switch(&no_plot), "do not draw mnist.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("mnist-figure", argc, argv, flags, vm); stop >= 0) return stop;
  MnistFigureSettings settings;
  MnistConfig& base = settings.base;
  std::vector<L2On>& placements = settings.placements;
  base.steps = steps ? steps : quick ? 600 : 0;
  base.eval_every = 0;
  settings.progress = !no_progress;
  settings.mnist_dir = mnist_dir;
  settings.validation_size = validation_size;
  settings.threads = threads;
  try {
    if (threads < 0) throw std::invalid_argument("--threads must be >= 0");
    check_path_given("--mnist-dir", mnist_dir, "a folder of MNIST files");
    if (l2_on == "both")
      placements = {L2On::product, L2On::factors};
    else if (l2_on == "product" || l2_on == "factors")
      placements = {parse_l2_on(l2_on)};
    else
      throw std::invalid_argument("--l2-on must be product, factors or both, not '" +
                                  excerpt(l2_on) + "'");
    base.conv = parse_conv(conv);
    validate_mnist_config(base);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist-figure: " << e.what() << "\n";
    return 2;
  }
  if (!cached_mnist_or_explain("mnist-figure", mnist_dir, validation_size)) return 1;
  if (out.empty()) out = quick ? "runs/figure-mnist-quick" : "runs/figure-mnist";
  claim_output_dir(out);

  const int recorded_threads = mnist_job_threads(threads);
  MnistFigure figure =
      train_mnist_figure(settings, [&](const MnistConfig& c, const MnistResult& r) {
        write_mnist_run(out + "/" + mnist_run_name(c), c, r, mnist_dir, recorded_threads, false);
        if (r.interrupted) return;
        say("%-17s batch loss %.4f -> %.4f over %zu steps, test error %.2f%% (%.1f ms/step)\n",
            mnist_run_name(c).c_str(), r.batch_loss.front(), r.batch_loss.back(), r.steps,
            r.evals.back().test_error, 1e3 * r.seconds_per_step());
      });
  figure.quick = quick;
  write_mnist_figure(figure, out, mnist_dir, recorded_threads, !no_plot);
  std::cout << "\n"
            << mnist_figure_table(figure) << "\nwrote " << out << "/ (mnist.md, mnist.json"
            << (no_plot ? "" : ", mnist.png") << ", a folder per run)\n";
  return 0;
}

}  // namespace experiments
