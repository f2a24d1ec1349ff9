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
  std::string out, report, figures_dir, data = default_gas_data(), mnist_dir = default_mnist_dir();
  FigureFlags settings;
  bool quick = false, no_progress = false, no_sensitivity = false, no_mnist = false, resume = false;
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
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-sensitivity", po::bool_switch(&no_sensitivity),
      "leave out the sensitivity study (every claim under each set of conventions, one seed; "
      "overparam figure sensitivity runs it alone)")("no-mnist", po::bool_switch(&no_mnist),
                                                     "leave out the MNIST figure")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  add_figure_flags(flags, settings,
                   "initialization seeds per linear curve (default 3 at the paper's horizons, 1 "
                   "with --quick)");
  po::variables_map vm;
  if (const int stop = parse_flags("reproduce", argc, argv, flags, vm); stop >= 0) return stop;
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam reproduce: --jobs must be between 1 and 256\n";
    return 2;
  }
  ReproduceSettings s;
  FigureSettings checked;
  try {
    check_path_given("--data", data, "a gas file or folder");
    checked = check_figure_flags(vm, settings);
    s.overrides = checked.overrides;
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
  const bool paper_settings =
      !quick && s.overrides.iterations == 0 && s.overrides.lr_grid.empty() &&
      s.overrides.width == 0 && checked.conventions.loss_scale == LossScale::mean &&
      checked.conventions.optimizer_defaults == optim::Preset::tensorflow &&
      checked.normalization == data::Normalization::zscore && !checked.whiten;
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
  s.normalization = checked.normalization;
  s.whiten = checked.whiten;
  s.loss_scale = checked.conventions.loss_scale;
  s.optimizer_defaults = checked.conventions.optimizer_defaults;
  s.mnist_dir = mnist_dir;
  s.jobs = jobs;
  s.progress = !no_progress;
  s.sensitivity = !no_sensitivity;
  s.mnist = !no_mnist;
  s.store = {out + "/jobs", resume};
  const double seconds = reproduce(s);
  std::printf("wrote %s and %s/ in %.0f s\n", report.c_str(), figures_dir.c_str(), seconds);
  return 0;
}

}  // namespace experiments
