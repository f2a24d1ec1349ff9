// `overparam plot RUN_DIR...`: the curves of several runs on one log-scale plot.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"
#include "experiments/report/runs.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_plot(int argc, char** argv) {
  std::vector<std::string> dirs;
  std::string out, y = "distance", labels_text, title;
  po::options_description flags(
      "overparam plot: the curves of several runs on one log-scale plot, labelled by the\n"
      "settings that differ between them\n\n"
      "Usage: overparam plot RUN_DIR... [OPTIONS]\n"
      "RUN_DIR: a folder that overparam linear, mnist or figure wrote\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "out", po::value(&out), "the PNG to write (default: runs/plot-TIMESTAMP/plot.png)")(
      "y", po::value(&y)->default_value(y),
      "distance (L - L*, linear runs and figures) or loss (MNIST runs: the batch loss)")(
      "labels", po::value(&labels_text),
      "comma-separated legend entries, one per curve, instead of the differing settings")(
      "title", po::value(&title), "the plot's title");
  po::options_description hidden;
  hidden.add_options()("dirs", po::value(&dirs));
  po::positional_options_description positional;
  positional.add("dirs", -1);
  po::variables_map vm;
  if (const int stop = parse_flags("plot", argc, argv, flags, vm, &hidden, &positional); stop >= 0)
    return stop;
  auto refuse = [](const std::string& why) {
    std::cerr << "overparam plot: " << why << "\n";
    return 2;
  };
  if (dirs.empty()) return refuse("which runs? name one or more run folders");
  for (const std::string& dir : dirs)
    if (dir.empty()) return refuse("RUN_DIR needs a run folder, got an empty name");
  if (y != "distance" && y != "loss")
    return refuse("--y must be distance or loss, not '" + y + "'");
  const CurveValue value = y == "loss" ? CurveValue::loss : CurveValue::distance;

  std::vector<RunCurve> curves;
  for (const std::string& dir : dirs) {
    std::vector<RunCurve> found = read_run_curves(dir, value);
    for (auto& c : found) curves.push_back(std::move(c));
  }
  std::vector<std::string> labels = distinguishing_labels(curves);
  if (vm.count("labels")) {
    std::vector<std::string> given;
    std::stringstream ss(labels_text);
    for (std::string label; std::getline(ss, label, ',');) given.push_back(label);
    if (given.size() != curves.size())
      return refuse("--labels has " + std::to_string(given.size()) + " entries for " +
                    std::to_string(curves.size()) + " curves");
    labels = given;
  }
  std::vector<Series> series;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    series.push_back(std::move(curves[i].series));
    series.back().label = labels[i];
  }
  // With every run read, the output: a refused plot leaves nothing behind.
  if (out.empty()) {
    out = new_run_dir("runs/plot") + "/plot.png";
  } else {
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    if (!parent.empty()) make_output_dir(parent.string());
  }
  PlotOptions o;
  o.title = title;
  o.ylabel = value == CurveValue::distance ? "L - L* (distance from optimum)" : "loss";
  if (!plot_png(out, series, o)) return 1;
  std::printf("wrote %s (%zu curves)\n", out.c_str(), series.size());
  for (std::size_t i = 0; i < labels.size(); ++i) std::printf("  %s\n", labels[i].c_str());
  return 0;
}

}  // namespace experiments
