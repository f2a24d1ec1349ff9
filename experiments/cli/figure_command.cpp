// `overparam figure NAME`: one of the paper's figures, run and judged.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/figures/acceleration.hpp"
#include "experiments/figures/claims.hpp"
#include "experiments/figures/files.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/figures/sensitivity.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// The MNIST figure has its own flags (overparam mnist-figure): `figure mnist ...` hands them on.
const std::string mnist_figure = "mnist";
// The sensitivity study runs the linear figures under every set of conventions.
const std::string sensitivity = "sensitivity";
// Depth with each optimizer (figures/acceleration.hpp): a study of this project's, not the paper's.
const std::string acceleration = "acceleration";

// Every NAME that `overparam figure` takes, in the order of the help: the linear figures of the
// catalogue, then the MNIST one. The help and the messages for a missing or unknown name list
// exactly these.
std::vector<std::string> command_figures() {
  std::vector<std::string> names = figure_names();
  names.push_back(sensitivity);
  names.push_back(acceleration);
  names.push_back(mnist_figure);
  return names;
}

// "a, b or c" (last = " or "), "a | b | c" (sep = last = " | ").
std::string joined(const std::vector<std::string>& names, const std::string& sep,
                   const std::string& last) {
  std::string all;
  for (std::size_t i = 0; i < names.size(); ++i)
    all += (i == 0 ? "" : i + 1 == names.size() ? last : sep) + names[i];
  return all;
}

// `figure sensitivity`: the flags it varies itself are refused; the rest as for every figure.
int run_sensitivity_command(const po::variables_map& vm, const FigureSettings& s, bool quick,
                            std::string out, const std::string& data, int jobs, bool progress,
                            bool resume) {
  for (const char* varied :
       {"normalize", "whiten", "loss-scale", "optimizer-defaults", "lr-grid", "width"})
    if (!vm[varied].defaulted() && vm.count(varied)) {
      std::cerr << "overparam figure: the sensitivity study sets --" << varied
                << " itself, column by column; drop it\n";
      return 2;
    }
  SensitivitySettings settings;
  settings.quick = quick;
  settings.iterations = s.overrides.iterations;
  settings.seeds = std::max<std::size_t>(1, s.overrides.seeds);
  settings.data = data;
  settings.jobs = jobs;
  settings.progress = progress;
  if (out.empty()) out = "runs/figure-" + sensitivity + (quick ? "-quick" : "");
  settings.store = {out + "/jobs", resume};
  std::printf("%s: %zu sets of conventions x %zu figures, %zu iterations per run\n",
              sensitivity_title, sensitivity_columns().size(), sensitivity_figures().size(),
              settings.horizon());
  load_figure_data(make_figure("depth", quick), data, data::Normalization::zscore);  // bad data
  claim_output_dir(out);  // with the data read: a refused run leaves no folder behind
  const SensitivityResult r = run_sensitivity(settings);
  write_sensitivity(r, out);
  if (r.interrupted) throw Interrupted{};
  std::printf(
      "\n%s\nwrote %s/ (sensitivity.md, .csv, .json; each column's figures in its own "
      "folder) in %.0f s\n",
      sensitivity_summary(r).c_str(), out.c_str(), r.wall_seconds);
  return 0;
}

}  // namespace

int run_figure_command(int argc, char** argv) {
  if (argc >= 2 && argv[1] == mnist_figure) return run_mnist_figure(argc - 1, argv + 1);
  const std::vector<std::string> names = command_figures();
  std::string name, out, data = default_gas_data();
  FigureFlags settings;
  bool quick = false, no_plot = false, no_progress = false, resume = false;
  int jobs = default_jobs();
  const std::string help =
      "overparam figure: reproduce one of the paper's figures\n\n"
      "Usage: overparam figure NAME [OPTIONS]\nNAME: " +
      joined(names, " | ", " | ") + " (see 'overparam figure " + mnist_figure +
      " --help')\n\nOptions";
  po::options_description flags(help);
  flags.add_options()("help,h", "print this help")("quick", po::bool_switch(&quick),
                                                   "shorter horizons (under a minute per figure)")(
      "out", po::value(&out), "output folder (default: runs/figure-NAME[-quick])")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "resume", po::bool_switch(&resume),
      "read back the trainings a stopped run of the same command kept in OUT/jobs/ and train "
      "only the rest")("no-plot", po::bool_switch(&no_plot), "no PNG")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  add_figure_flags(flags, settings,
                   "train every curve from K initialization seeds (default 1): rates chosen on "
                   "the median, verdicts counted over seeds");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::options_description hidden;
  hidden.add_options()("name", po::value(&name));
  po::variables_map vm;
  if (const int stop = parse_flags("figure", argc, argv, flags, vm, &hidden, &positional);
      stop >= 0)
    return stop;
  if (name.empty()) {
    std::cerr << "overparam figure: which figure? " << joined(names, ", ", " or ") << "\n";
    return 2;
  }
  if (name == mnist_figure) {  // after a flag: `figure --quick mnist`
    std::cerr << "overparam figure: the " << mnist_figure
              << " figure takes its own flags, after its name: overparam figure " << mnist_figure
              << " [OPTIONS]\n";
    return 2;
  }
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::cerr << "overparam figure: unknown figure '" << name << "'; the figures are "
              << joined(names, ", ", ", ") << "\n";
    return 2;
  }
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam figure: --jobs must be between 1 and 256\n";
    return 2;
  }
  Figure figure;
  FigureSettings s;
  try {
    check_path_given("--data", data, "a gas file or folder");
    s = check_figure_flags(vm, settings);
    if (name == sensitivity)
      return run_sensitivity_command(vm, s, quick, out, data, jobs, !no_progress, resume);
    figure = name == acceleration ? acceleration_figure(quick, s.conventions)
                                  : make_figure(name, quick, s.conventions);
    apply_overrides(figure, s.overrides);
    note_preprocessing(figure, s.normalization, s.whiten);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam figure: " << e.what() << "\n";
    return 2;
  }
  if (out.empty()) out = "runs/figure-" + name + (quick ? "-quick" : "");
  std::printf("%s: %zu iterations per run\n", figure.title.c_str(), figure.iterations);
  const FigureData figure_data = load_figure_data(figure, data, s.normalization, s.whiten);
  claim_output_dir(out);  // with every input read: a refused run leaves no folder behind
  FigureResult r =
      run_figure(figure, figure_data, jobs, !no_progress, nullptr, {out + "/jobs", resume});
  if (name == acceleration) {
    const AccelerationResult a = analyse_acceleration(std::move(r));
    write_acceleration(a, out, !no_plot);
    if (a.figure.interrupted) throw Interrupted{};
    std::printf("\n");
    for (const std::string& line : acceleration_verdicts(a)) std::printf("%s\n", line.c_str());
    std::printf(
        "wrote %s/ (acceleration.md, acceleration.csv, speedup.csv, the heat maps "
        "acceleration_l2.png and _l4.png, one CSV per curve) in %.0f s\n",
        out.c_str(), a.figure.wall_seconds);
    return 0;
  }
  write_figure(r, out, !no_plot);
  if (r.interrupted) throw Interrupted{};
  std::printf(
      "\n%s\n%s\nwrote %s/ (%s.png, %s.md, %s.json, grid.csv, one CSV per curve) in %.0f s\n",
      paper_table(r).c_str(), check_claims(r).c_str(), out.c_str(), name.c_str(), name.c_str(),
      name.c_str(), r.wall_seconds);
  return 0;
}

}  // namespace experiments
