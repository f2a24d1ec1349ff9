#include "experiments/figures/reproduce.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "data_loaders/atomic_file.hpp"
#include "data_loaders/mnist.hpp"
#include "experiments/figures/claims.hpp"
#include "experiments/figures/files.hpp"
#include "experiments/figures/mnist_runs.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/figures/sensitivity.hpp"
#include "experiments/mnist/figure.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/format.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/runner/runner.hpp"

namespace experiments {

namespace fs = std::filesystem;

namespace {

std::string fmt(double v) {
  return format_number(v, "%.3g");
}

// Copies the PNG a figure drew into the report's figures folder; returns its path relative to
// the report.
std::string publish_png(const std::string& png, const std::string& name,
                        const ReproduceSettings& s) {
  std::error_code ec;
  const std::string dest = s.figures_dir + "/" + name + (s.quick ? "-quick" : "") + ".png";
  if (fs::exists(png)) fs::copy_file(png, dest, fs::copy_options::overwrite_existing, ec);
  return fs::relative(dest, fs::path(s.report).parent_path(), ec).string();
}

// The section of the MNIST figure, when its files are there.
std::string mnist_section(const ReproduceSettings& s) {
  std::string body =
      "## The MNIST convnet, and its overparameterized variant (paper, Figure 5)\n\n";
  if (!s.mnist) {
    std::printf("[mnist] left out (--no-mnist)\n\n");
    return body + "Not run: left out by `--no-mnist`.\n\n";
  }
  try {
    data::find_mnist_files(s.mnist_dir);
  } catch (const data::DataError&) {
    std::printf("[mnist] skipped: no MNIST files in %s (run scripts/fetch-mnist.sh)\n\n",
                s.mnist_dir.c_str());
    return body + "Not run: the MNIST files were not in `" + s.mnist_dir +
           "`. `scripts/fetch-mnist.sh` fetches them into `data/mnist/`; then run "
           "`overparam reproduce` again (`--mnist-dir DIR` for another folder), or "
           "`overparam figure mnist`.\n\n";
  }
  std::printf(
      "[mnist] the original convnet and the overparameterized one with L2 on the product "
      "and on each factor, %s\n",
      s.quick ? "600 steps each" : "10 epochs each");
  std::fflush(stdout);
  const std::string out = s.out + "/mnist";
  MnistFigure figure;
  try {
    MnistFigureSettings settings;
    settings.mnist_dir = s.mnist_dir;
    settings.base.steps = s.quick ? 600 : 0;
    settings.base.eval_every = 0;
    settings.placements = {L2On::product, L2On::factors};
    settings.progress = s.progress;
    settings.store = s.store;
    const int threads = mnist_job_threads(0);
    make_output_dir(out);
    figure = train_mnist_figure(settings, [&](const MnistConfig& c, const MnistResult& r) {
      write_mnist_run(out + "/" + mnist_run_name(c), c, r, s.mnist_dir, threads, false);
    });
    figure.quick = s.quick;
    write_mnist_figure(figure, out, s.mnist_dir, threads, true);
  } catch (const data::DataError& e) {
    std::printf("[mnist] failed: %s\n\n", e.what());
    return body + "The run failed: " + e.what() + "\n\n";
  }
  const std::string rel = publish_png(out + "/mnist.png", "mnist", s);
  return body + "![mnist](" + rel + ")\n" + mnist_figure_body(figure) + "\n";
}

// The study at reproduce's horizon (its own with the paper's; --iterations applies), one seed.
SensitivitySettings sensitivity_settings(const ReproduceSettings& s) {
  SensitivitySettings settings;
  settings.quick = s.quick;
  settings.iterations = s.overrides.iterations;
  settings.data = s.data;
  settings.jobs = s.jobs;
  settings.progress = s.progress;
  settings.store = s.store;
  return settings;
}

// The section of the sensitivity study; its files go to OUT/sensitivity/.
std::string sensitivity_section(const ReproduceSettings& s, SharedProgress& progress,
                                std::vector<Verdict>& course) {
  const SensitivitySettings settings = sensitivity_settings(s);
  std::printf("[sensitivity] %zu sets of conventions x %zu figures, %zu iterations per run\n",
              sensitivity_columns().size(), sensitivity_figures().size(), settings.horizon());
  std::fflush(stdout);
  const SensitivityResult r = run_sensitivity(settings, &progress);
  progress.finish();
  write_sensitivity(r, s.out + "/sensitivity");
  if (r.interrupted) throw Interrupted{};
  std::printf("%s(%.0f s)\n\n", sensitivity_summary(r).c_str(), r.wall_seconds);
  for (const SensitivityRow& row : r.rows) {  // the last column: the course reproduction's pair
    course.push_back(row.cells.back());
    course.back().claim = row.figure + ": " + row.claim;
  }
  return std::string("## ") + sensitivity_title + "\n\n" + sensitivity_body(r) + "\n";
}

// The settings of two earlier reproductions that this program's flags can express, rerun:
// Levy & Wang (2024, PyTorch): l_2 only, 100 iterations; the 2019 course reproduction: the 1/p
// loss with PyTorch-like constants (the sensitivity study's last column, when it ran).
std::string other_reproductions_section(const ReproduceSettings& s,
                                        const std::vector<Verdict>& course) {
  Figure depth = make_figure("depth", false);
  FigureOverrides overrides;
  overrides.iterations = 100;
  apply_overrides(depth, overrides);
  depth.panels.erase(depth.panels.begin() + 1);  // l_2 only
  const FigureResult r =
      run_figure(depth, load_figure_data(depth, s.data, data::Normalization::zscore), s.jobs, false,
                 nullptr, s.store);
  std::string body =
      "## Why other reproductions differ\n\n"
      "A 2024 PyTorch reproduction (Levy & Wang) found depth 1 consistently better on the "
      "ethanol data. It ran l_2 only, for 100 iterations, with biases in every layer, PyTorch's "
      "default or orthogonal initialization and z-scoring fitted on an 80% split. The part this "
      "program can express, l_2 gradient descent for 100 iterations on the paper's grid "
      "(`overparam figure depth --iterations 100`, its l_2 panel):\n\n";
  bool depth_one_best = false;
  for (const Verdict& v : judge_claims(r)) {
    if (v.claim.rfind("l2:", 0) != 0) continue;  // the figure's l_4 claim has no panel here
    depth_one_best = v.holds;
    body += std::string("- ") + (v.holds ? "holds" : "does not hold") + ": " + v.claim +
            ". This run: " + v.numbers + ".\n";
  }
  body +=
      std::string(depth_one_best ? "\nDepth 1 is best here too, as they found. "
                                 : "\nHere depth 1 is not the best, unlike what they found. ") +
      "On l_2 the paper itself claims no acceleration "
      "from depth (its Figure 3, left), and 100 iterations are a thousandth of its horizon. The "
      "l_4 loss, where the paper claims acceleration, was not part of that reproduction.\n\n"
      "The 2019 course reproduction behind this project wrote the loss with the 1/p and used "
      "Keras' optimizers. ";
  if (course.empty())
    return body +
           "Its pair of settings is the sensitivity study's last column; the study did "
           "not run here (`--no-sensitivity`).\n\n";
  body += "With the 1/p loss and PyTorch's constants (the sensitivity study's last column, " +
          std::to_string(course.front().seeds) + " seed" + (course.front().seeds > 1 ? "s" : "") +
          ", numbers in the paper's units):\n\n";
  for (const Verdict& v : course)
    body += std::string("- ") + (v.holds ? "holds" : "does not hold") + ": " + v.claim + ". " +
            v.numbers + ".\n";
  return body +
         "\nA public 2018 TensorFlow run of the MNIST experiment put the L2 penalty on every "
         "factor and saw no acceleration; the MNIST section below trains both placements.\n\n";
}

// One line on what --normalize does to the data.
std::string describe_normalization(data::Normalization n) {
  switch (n) {
    case data::Normalization::zscore:
      return "every feature and the target minus its mean, divided by its population standard "
             "deviation";
    case data::Normalization::minmax:
      return "every feature mapped onto [0, 1], the target z-scored (the paper's starting "
             "distances fix its scale)";
    case data::Normalization::scale:
      return "every feature divided by its root mean square, not centred, the target z-scored "
             "(the paper's starting distances fix its scale)";
    case data::Normalization::none:
      break;
  }
  return "the raw values";
}

}  // namespace

double reproduce(const ReproduceSettings& s) {
  claim_output_dir(s.out);
  make_output_dir(s.figures_dir);
  const auto start = std::chrono::steady_clock::now();
  std::string body, changed;
  std::vector<Figure> figures;
  std::size_t planned = 0;
  for (const std::string& name : figure_names()) {
    Figure figure = make_figure(name, s.quick, {s.loss_scale, s.optimizer_defaults});
    FigureOverrides overrides = s.overrides;
    if (name == "emulation") {  // its curves are its widths, its rates fixed
      overrides.width = 0;
      overrides.lr_grid.clear();
    }
    apply_overrides(figure, overrides);
    note_preprocessing(figure, s.normalization, s.whiten);
    if (name == "depth" && !figure.changed.empty())  // the depth figure takes every override
      changed += (changed.empty() ? "" : ", ") + changed_text(figure);
    planned += planned_iterations(figure);
    figures.push_back(std::move(figure));
  }
  if (s.sensitivity) planned += planned_sensitivity_iterations(sensitivity_settings(s));
  // One line for every linear run, the study's included: iterations done over all of them, and
  // the total ETA.
  SharedProgress progress("reproduce", planned, s.progress);
  for (std::size_t k = 0; k < figures.size(); ++k) {
    const Figure& figure = figures[k];
    const std::string& name = figure.name;
    progress.finish();  // the line is redrawn below what this prints
    progress.set_label("figure " + std::to_string(k + 1) + " of " + std::to_string(figures.size()) +
                       " (" + name + ")");
    std::printf("[%s] %s, %zu iterations per run\n", name.c_str(), figure.title.c_str(),
                figure.iterations);
    std::fflush(stdout);
    const FigureResult r =
        run_figure(figure, load_figure_data(figure, s.data, s.normalization, s.whiten), s.jobs,
                   s.progress, &progress, s.store);
    progress.finish();
    write_figure(r, s.out + "/" + name, true);
    if (r.interrupted) throw Interrupted{};  // this figure's files are written; go no further
    const std::string table = paper_table(r), verdicts = check_claims(r);
    std::printf("%s(%.0f s)\n\n", verdicts.c_str(), r.wall_seconds);
    const std::string rel = publish_png(s.out + "/" + name + "/" + name + ".png", name, s);
    body += "## " + figure.title + "\n\nThe paper: " + figure.claim + ".\n\n![" + name + "](" +
            rel + ")\n\n" + std::to_string(figure.iterations) + " iterations per run; " +
            fmt(r.wall_seconds) + " s.\n\n" + table + "\nOn this run:\n\n" + verdicts + "\n";
  }
  std::vector<Verdict> course;
  if (s.sensitivity) body += sensitivity_section(s, progress, course);
  body += other_reproductions_section(s, course);
  body += mnist_section(s);
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string md =
      "# Reproduction of the paper's experiments\n\n"
      "Arora, Cohen & Hazan, *On the Optimization of Deep Networks: Implicit Acceleration by "
      "Overparameterization*, ICML 2018, section 8: l_p regression on the ethanol rows of the UCI "
      "Gas Sensor Array Drift at Different Concentrations data (2565 rows, 128 features), and, "
      "when MNIST has been fetched, TensorFlow's MNIST tutorial convnet.\n\n"
      "Written by `overparam reproduce" +
      std::string(s.quick ? " --quick" : "") + "` (version " + OVERPARAM_VERSION + ") in " +
      std::to_string(std::lround(total)) + " s with " + runner_description(s.jobs) +
      ". Every number below was measured by that command; the runs' CSV and JSON "
      "files are in `" +
      s.out +
      "`.\n\n"
      "Preprocessing: the paper does not state it. This run uses `" +
      data::to_string(s.normalization) + "`: " + describe_normalization(s.normalization) +
      (s.whiten ? "; then the features PCA-whitened (`--whiten`: their covariance becomes the "
                  "identity)"
                : "") +
      ". The loss is " +
      (s.loss_scale == LossScale::mean
           ? std::string("the paper's, L = (1/m) Σ (ŷ_i - y_i)^p (`--loss-scale mean`)")
           : std::string("(1/(p·m)) Σ (ŷ_i - y_i)^p (`--loss-scale mean-over-p`), p times "
                         "smaller than the paper's, whose numbers are divided by p to match")) +
      "; the optimizers take " + optim::preset_name(s.optimizer_defaults) +
      "'s constants (`--optimizer-defaults " + optim::preset_name(s.optimizer_defaults) +
      "`; the paper ran TensorFlow). Losses are reported as the distance from the optimum, L - "
      "L*, with L* computed "
      "directly (least squares for l_2, Newton's method for l_4). Near-zero initialization is "
      "N(0, 0.01^2) per entry; learning rates come from the paper's grid {1e-5, 5e-5, ..., 5e-1}, "
      "the best being the lowest final loss among runs that did not diverge" +
      (s.overrides.seeds > 1
           ? "; every linear curve is trained from " + std::to_string(s.overrides.seeds) +
                 " initialization seeds, its rate chosen by that rule on the median over seeds of "
                 "the final loss, and the tables and plots show the medians; each verdict is the "
                 "median curve's, with the number of seeds whose own runs agree"
           : std::string()) +
      ". The emulation figure "
      "uses balanced initialization (one end-to-end matrix drawn N(0, 0.01^2), split across the "
      "layers) so that all its curves start at the same point.\n\n" +
      (changed.empty() ? std::string()
                       : "**Changed from the paper's settings**: " + changed +
                             ". The numbers below describe those settings, not the paper's.\n\n") +
      (s.quick
           ? std::string("**This is a --quick run**: horizons are a tenth (or a thirtieth) of the "
                         "paper's, so its numbers are not comparable with the paper's; the "
                         "verdicts only say what this short run shows.\n\n")
           : std::string()) +
      body;
  data::write_file_atomic(s.report, md);
  return total;
}

}  // namespace experiments
