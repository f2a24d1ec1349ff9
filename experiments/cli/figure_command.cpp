// `overparam figure NAME`: one of the paper's figures, run and judged.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/figures/claims.hpp"
#include "experiments/figures/files.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_figure_command(int argc, char** argv) {
  // The MNIST figure has its own flags (overparam mnist-figure): "mnist" stands in for the
  // command's name, and the rest are its flags.
  if (argc >= 2 && std::string(argv[1]) == "mnist") return run_mnist_figure(argc - 1, argv + 1);
  std::string name, out, data = default_gas_data(), normalization = "zscore";
  bool quick = false, no_plot = false, no_progress = false;
  int jobs = default_jobs();
  po::options_description flags(
      "overparam figure: reproduce one of the paper's figures\n\n"
      "Usage: overparam figure NAME [OPTIONS]\n"
      "NAME: emulation | depth | adaptive | adam | init | mnist (see 'overparam figure mnist "
      "--help')\n\nOptions");
  flags.add_options()("help,h", "print this help")("quick", po::bool_switch(&quick),
                                                   "shorter horizons (under a minute per figure)")(
      "out", po::value(&out), "output folder (default: runs/figure-NAME[-quick])")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-plot", po::bool_switch(&no_plot), "no PNG")("no-progress", po::bool_switch(&no_progress),
                                                      "no progress line");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::options_description hidden;
  hidden.add_options()("name", po::value(&name));
  po::variables_map vm;
  if (const int stop = parse_flags("figure", argc, argv, flags, vm, &hidden, &positional);
      stop >= 0)
    return stop;
  if (name.empty()) {
    std::cerr << "overparam figure: which figure? emulation, depth, adaptive, adam or init\n";
    return 2;
  }
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam figure: --jobs must be between 1 and 256\n";
    return 2;
  }
  Figure figure;
  data::Normalization norm{};
  try {
    check_path_given("--data", data, "a gas file or folder");
    figure = make_figure(name, quick);
    norm = data::parse_normalization(normalization);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam figure: " << e.what() << "\n";
    return 2;
  }
  if (out.empty()) out = "runs/figure-" + name + (quick ? "-quick" : "");
  std::printf("%s: %zu iterations per run\n", figure.title.c_str(), figure.iterations);
  const FigureData figure_data = load_figure_data(figure, data, norm);
  claim_output_dir(out);  // with every input read: a refused run leaves no folder behind
  const FigureResult r = run_figure(figure, figure_data, jobs, !no_progress);
  write_figure(r, out, !no_plot);
  if (r.interrupted) throw Interrupted{};
  std::printf(
      "\n%s\n%s\nwrote %s/ (%s.png, %s.md, %s.json, grid.csv, one CSV per curve) in %.0f s\n",
      paper_table(r).c_str(), check_claims(r).c_str(), out.c_str(), name.c_str(), name.c_str(),
      name.c_str(), r.wall_seconds);
  return 0;
}

}  // namespace experiments
