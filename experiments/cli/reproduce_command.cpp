// `overparam reproduce`: every figure, and the report with a verdict per claim.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "data_loaders/mnist.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/figures/reproduce.hpp"
#include "experiments/mnist/train.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_reproduce(int argc, char** argv) {
  std::string out, report, figures_dir, data = default_gas_data(), normalization = "zscore",
                                        mnist_dir = default_mnist_dir();
  std::string loss_scale = "mean", optimizer_defaults = "tensorflow", lr_grid;
  std::size_t iterations = 0, width = 0, seeds = 0;
  bool quick = false, no_progress = false, whiten = false;
  int jobs = default_jobs();
  po::options_description flags(
      "overparam reproduce: run every figure of the paper (the MNIST one when data/mnist holds\n"
      "the files) and write a report with the figures, the paper's numbers beside this run's,\n"
      "and a verdict per claim\n\n"
      "Usage: overparam reproduce [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")("quick", po::bool_switch(&quick),
                                                   "shorter horizons (about a minute per figure)")(
      "out", po::value(&out), "folder for every run's files (default: runs/reproduce[-quick])")(
      "report", po::value(&report),
      "the report (default: docs/REPRODUCTION.md of the source tree; with --quick or any setting "
      "changed from the paper's, OUT/REPRODUCTION.md)")(
      "figures-dir", po::value(&figures_dir),
      "where the report's PNGs go (default: docs/figures beside the report)")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "mnist-dir", po::value(&mnist_dir)->default_value(mnist_dir),
      "folder with the four MNIST files (scripts/fetch-mnist.sh); the MNIST figure is skipped "
      "when the default folder lacks them, and the command refuses a given one that does")(
      "normalize", po::value(&normalization)->default_value(normalization),
      "zscore|minmax|scale|none (scale: to unit RMS, not centred)")(
      "whiten", po::bool_switch(&whiten), "PCA-whiten the features after --normalize")(
      "loss-scale", po::value(&loss_scale)->default_value(loss_scale),
      "mean: L = (1/m) sum r^p, the paper's; mean-over-p: (1/(p m)) sum r^p")(
      "optimizer-defaults", po::value(&optimizer_defaults)->default_value(optimizer_defaults),
      "tensorflow (the paper's framework) | pytorch: the optimizers' other constants")(
      "iterations", po::value(&iterations),
      "every linear run's horizon (default: the paper's, or --quick's)")(
      "lr-grid", po::value(&lr_grid),
      "rates for every curve that searches a grid (default: the paper's 1e-5,5e-5,...,5e-1)")(
      "width", po::value(&width),
      "hidden width of every network of depth >= 2 (not the emulation figure's)")(
      "seeds", po::value(&seeds),
      "initialization seeds per linear curve (default 3 at the paper's horizons, 1 with --quick)")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("reproduce", argc, argv, flags, vm); stop >= 0) return stop;
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam reproduce: --jobs must be between 1 and 256\n";
    return 2;
  }
  ReproduceSettings s;
  data::Normalization norm{};
  LossScale scale{};
  optim::Preset preset{};
  try {
    check_path_given("--data", data, "a gas file or folder");
    norm = data::parse_normalization(normalization);
    scale = parse_loss_scale(loss_scale);
    preset = parse_preset(optimizer_defaults);
    s.overrides = figure_overrides(vm, iterations, lr_grid, width, seeds);
    if (!vm.count("seeds")) s.overrides.seeds = quick ? 1 : 3;
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam reproduce: " << e.what() << "\n";
    return 2;
  }
  if (!vm["mnist-dir"].defaulted()) {
    // Asked for by name: a wrong folder is refused now, not found out after the linear figures.
    try {
      data::find_mnist_files(mnist_dir);
    } catch (const data::DataError& e) {
      std::cerr << "overparam reproduce: " << e.what() << "\n";
      return 1;
    }
  }
  namespace fs = std::filesystem;
  // Only a run with the paper's settings replaces docs/REPRODUCTION.md by default; any other
  // writes its report beside its runs.
  const bool paper_settings = !quick && s.overrides.iterations == 0 &&
                              s.overrides.lr_grid.empty() && s.overrides.width == 0 &&
                              scale == LossScale::mean && preset == optim::Preset::tensorflow &&
                              norm == data::Normalization::zscore && !whiten;
  if (out.empty()) out = quick ? "runs/reproduce-quick" : "runs/reproduce";
  if (report.empty())
    report = !paper_settings ? out + "/REPRODUCTION.md"
                             : std::string(OVERPARAM_SOURCE_DIR) + "/docs/REPRODUCTION.md";
  if (figures_dir.empty()) figures_dir = (fs::path(report).parent_path() / "figures").string();
  s.quick = quick;
  s.out = out;
  s.report = report;
  s.figures_dir = figures_dir;
  s.data = data;
  s.normalization = norm;
  s.whiten = whiten;
  s.loss_scale = scale;
  s.optimizer_defaults = preset;
  s.mnist_dir = mnist_dir;
  s.jobs = jobs;
  s.progress = !no_progress;
  const double seconds = reproduce(s);
  std::printf("wrote %s and %s/ in %.0f s\n", report.c_str(), figures_dir.c_str(), seconds);
  return 0;
}

}  // namespace experiments
