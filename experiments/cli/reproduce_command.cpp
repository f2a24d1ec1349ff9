// `overparam reproduce`: every figure, and the report with a verdict per claim.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/figures/reproduce.hpp"
#include "experiments/mnist/train.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_reproduce(int argc, char** argv) {
  std::string out, report, figures_dir, data = default_gas_data(), normalization = "zscore";
  bool quick = false, no_progress = false;
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
      "the report (default: docs/REPRODUCTION.md of the source tree; with --quick, "
      "OUT/REPRODUCTION.md)")(
      "figures-dir", po::value(&figures_dir),
      "where the report's PNGs go (default: docs/figures beside the report)")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("reproduce", argc, argv, flags, vm); stop >= 0) return stop;
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam reproduce: --jobs must be between 1 and 256\n";
    return 2;
  }
  data::Normalization norm{};
  try {
    check_path_given("--data", data, "a gas file or folder");
    norm = data::parse_normalization(normalization);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam reproduce: " << e.what() << "\n";
    return 2;
  }
  namespace fs = std::filesystem;
  if (out.empty()) out = quick ? "runs/reproduce-quick" : "runs/reproduce";
  if (report.empty())
    report = quick ? out + "/REPRODUCTION.md"
                   : std::string(OVERPARAM_SOURCE_DIR) + "/docs/REPRODUCTION.md";
  if (figures_dir.empty()) figures_dir = (fs::path(report).parent_path() / "figures").string();
  ReproduceSettings s;
  s.quick = quick;
  s.out = out;
  s.report = report;
  s.figures_dir = figures_dir;
  s.data = data;
  s.normalization = norm;
  s.mnist_dir = default_mnist_dir();
  s.jobs = jobs;
  s.progress = !no_progress;
  const double seconds = reproduce(s);
  std::printf("wrote %s and %s/ in %.0f s\n", report.c_str(), figures_dir.c_str(), seconds);
  return 0;
}

}  // namespace experiments
