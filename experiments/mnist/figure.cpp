#include "experiments/mnist/figure.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "data_loaders/atomic_file.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/mnist/verdicts.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/format.hpp"

namespace experiments {

namespace {

std::string fmt(double v, const char* format = "%.4g") {
  return format_number(v, format);
}

}  // namespace

const char* const mnist_figure_title =
    "MNIST convnet: original vs overparameterized (the paper's last figure)";

std::string mnist_run_name(const MnistConfig& c) {
  if (c.variant == MnistVariant::original) return "original";
  return c.l2_on == L2On::product ? "overparam" : "overparam-factors";
}

std::vector<MnistConfig> mnist_figure_configs(const MnistConfig& base,
                                              const std::vector<L2On>& placements) {
  if (placements.empty()) throw std::invalid_argument("mnist_figure_configs: no L2 placement");
  std::vector<MnistConfig> configs{base};
  configs[0].variant = MnistVariant::original;
  for (L2On l2_on : placements) {
    configs.push_back(base);
    configs.back().variant = MnistVariant::overparam;
    configs.back().l2_on = l2_on;
  }
  for (MnistConfig& c : configs) c.progress_label = mnist_run_name(c);
  return configs;
}

MnistFigure mnist_figure_of(const std::vector<MnistConfig>& configs,
                            std::vector<MnistResult> results) {
  if (configs.empty() || results.size() != configs.size())
    throw std::invalid_argument("mnist_figure_of: a result per run, the original first");
  MnistFigure f;
  f.original = configs[0];
  f.original_result = std::move(results[0]);
  for (std::size_t k = 1; k < configs.size(); ++k) {
    MnistOverparamRun run{configs[k], std::move(results[k])};
    run.crossing = crossing_step(f.original_result, run.result);
    f.overparam.push_back(std::move(run));
  }
  return f;
}

namespace {

std::string placement_text(L2On l2_on) {
  return l2_on == L2On::product ? "L2 on the product W1·W2" : "L2 on each factor W1, W2";
}

std::string end_of(const MnistResult& r, std::size_t tail) {
  const std::size_t n = r.batch_loss.size();
  return fmt(mean_loss(r, n - std::min(tail, n), n));
}

}  // namespace

std::string mnist_figure_table(const MnistFigure& f) {
  const MnistResult& orig = f.original_result;
  const std::size_t n = orig.batch_loss.size();
  const std::size_t tail = std::min<std::size_t>(100, n);
  const std::string last = " (mean of the last " + std::to_string(tail) + " steps)";

  // The paper's numbers, read off its figure: batch loss at the start and after 8600 steps,
  // and where the overparameterized curve crosses the original one.
  std::string table =
      "| quantity | paper | this run |\n|---|---|---|\n"
      "| original: batch loss at step 0 | ~3.5 | " +
      fmt(orig.batch_loss.front()) + " |\n| original: batch loss at the end" + last + " | ~1.6 | " +
      end_of(orig, tail) + " |\n";
  std::string errors = fmt(orig.evals.back().test_error, "%.2f") + "%",
              ms = fmt(1e3 * orig.seconds_per_step(), "%.1f");
  for (const MnistOverparamRun& o : f.overparam) {
    const std::string who = "overparam, " + placement_text(o.config.l2_on);
    table += "| " + who + ": batch loss at step 0 | ~15 | " + fmt(o.result.batch_loss.front()) +
             " |\n| " + who + ": batch loss at the end" + last + " | ~0.05 | " +
             end_of(o.result, tail) + " |\n| " + who +
             ": step where it falls below the original for good (50-step means) | ~500 | " +
             (o.crossing == SIZE_MAX ? std::string("never") : std::to_string(o.crossing)) + " |\n";
    errors += " / " + fmt(o.result.evals.back().test_error, "%.2f") + "%";
    ms += " / " + fmt(1e3 * o.result.seconds_per_step(), "%.1f");
  }
  std::string order = "original";
  for (const MnistOverparamRun& o : f.overparam) order += " / " + mnist_run_name(o.config);
  table += "| test error at the end, " + order + " | - | " + errors + " |\n| ms per step, " +
           order + " | - | " + ms + " |\n";
  if (n < 8593) {
    table += "\n(This run stopped at " + std::to_string(n) +
             " steps; the paper's end values are at about 8600.)\n";
  }
  table += "\nOn this run:\n";
  for (const MnistOverparamRun& o : f.overparam)
    table += "\n" +
             std::string(f.overparam.size() > 1 ? "With " + placement_text(o.config.l2_on) + ":\n\n"
                                                : "") +
             mnist_verdicts(orig, o.result);
  return table;
}

std::string mnist_figure_body(const MnistFigure& f) {
  std::string placements;
  for (const MnistOverparamRun& o : f.overparam)
    placements += (placements.empty() ? "" : ", and once with ") + placement_text(o.config.l2_on);
  return "\nThe paper: replacing each dense layer's weight of TensorFlow's MNIST tutorial convnet "
         "by a product of two matrices adds about 15% parameters and no expressiveness, yet the "
         "batch loss falls far faster. Where the L2 penalty goes is the question: on the product "
         "it penalizes the same end-to-end matrix as the original's; on each factor it is "
         "another objective.\n\n" +
         std::to_string(f.original_result.batch_loss.size()) + " steps per run, batch 64, seed " +
         std::to_string(f.original.seed) + "; the overparameterized variant trained with " +
         placements + ".\n\n" + mnist_figure_table(f);
}

void write_mnist_figure(const MnistFigure& f, const std::string& out, const std::string& mnist_dir,
                        int threads, bool plot) {
  make_output_dir(out);
  data::write_file_atomic(out + "/mnist.md",
                          std::string("# ") + mnist_figure_title + "\n" + mnist_figure_body(f));
  Json json;
  json["version"] = OVERPARAM_VERSION;
  json["figure"] = "mnist";
  json["quick"] = f.quick;
  json["original"] = mnist_result_json(f.original, f.original_result, mnist_dir, threads);
  // Every run follows the tutorial's schedule: its legend entries name it.
  const std::string rate = " (lr " + format_number(mnist_base_lr, "%g") + ", x" +
                           format_number(mnist_lr_decay, "%g") + " per epoch)";
  std::vector<Series> series = {loss_series("original" + rate, f.original_result)};
  for (const MnistOverparamRun& o : f.overparam) {
    Json run = mnist_result_json(o.config, o.result, mnist_dir, threads);
    run["crossing_step"] = o.crossing == SIZE_MAX ? -1LL : (long long)o.crossing;
    json[mnist_run_name(o.config)] = std::move(run);
    series.push_back(
        loss_series("overparameterized, " + placement_text(o.config.l2_on) + rate, o.result));
  }
  write_json(out + "/mnist.json", json);
  if (plot) {
    PlotOptions o;
    o.title = "MNIST convnet: batch loss, original vs overparameterized";
    o.xlabel = "step";
    o.ylabel = "batch loss";
    plot_png(out + "/mnist.png", series, o);
  }
}

}  // namespace experiments
