#include "experiments/mnist/figure.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "data_loaders/atomic_file.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/mnist/verdicts.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/format.hpp"
#include "experiments/report/interrupt.hpp"

namespace experiments {

namespace {

std::string fmt(double v, const char* format = "%.4g") {
  return format_number(v, format);
}

}  // namespace

const char* const mnist_figure_title =
    "MNIST convnet: original vs overparameterized (the paper's last figure)";

MnistFigure run_mnist_figure(
    const data::Mnist& mnist, const MnistConfig& base,
    const std::function<void(const MnistConfig&, const MnistResult&)>& after_each) {
  MnistFigure f;
  f.original = f.overparam = base;
  f.original.variant = MnistVariant::original;
  f.overparam.variant = MnistVariant::overparam;
  f.original.progress_label = "original";
  f.overparam.progress_label = "overparam";
  for (auto [config, result] :
       {std::pair{&f.original, &f.original_result}, std::pair{&f.overparam, &f.overparam_result}}) {
    *result = train_mnist(mnist, *config);
    after_each(*config, *result);
    if (interrupted()) throw Interrupted{};  // this variant's files are written; stop here
  }
  f.crossing = crossing_step(f.original_result, f.overparam_result);
  return f;
}

std::string mnist_figure_table(const MnistFigure& f) {
  const MnistResult& orig = f.original_result;
  const MnistResult& over = f.overparam_result;
  const std::size_t n = orig.batch_loss.size();
  const std::size_t cross = f.crossing;
  const std::size_t tail = std::min<std::size_t>(100, n);

  // The paper's numbers, read off its figure: batch loss at the start and after 8600 steps,
  // and where the overparameterized curve crosses the original one.
  std::string table =
      "| quantity | paper | this run |\n"
      "|---|---|---|\n"
      "| original: batch loss at step 0 | ~3.5 | " +
      fmt(orig.batch_loss.front()) +
      " |\n"
      "| original: batch loss at the end (mean of the last " +
      std::to_string(tail) + " steps) | ~1.6 | " + fmt(mean_loss(orig, n - tail, n)) +
      " |\n"
      "| overparam: batch loss at step 0 | ~15 | " +
      fmt(over.batch_loss.front()) +
      " |\n"
      "| overparam: batch loss at the end (mean of the last " +
      std::to_string(tail) + " steps) | ~0.05 | " +
      fmt(mean_loss(over, over.batch_loss.size() - std::min(tail, over.batch_loss.size()),
                    over.batch_loss.size())) +
      " |\n"
      "| step where overparam falls below original for good (50-step means) | ~500 | " +
      (cross == SIZE_MAX ? std::string("never") : std::to_string(cross)) +
      " |\n"
      "| test error at the end, original / overparam | - | " +
      fmt(orig.evals.back().test_error, "%.2f") + "% / " +
      fmt(over.evals.back().test_error, "%.2f") +
      "% |\n"
      "| ms per step, original / overparam | - | " +
      fmt(1e3 * orig.seconds_per_step(), "%.1f") + " / " +
      fmt(1e3 * over.seconds_per_step(), "%.1f") + " |\n";
  if (n < 8593) {
    table += "\n(This run stopped at " + std::to_string(n) +
             " steps; the paper's end values are at about 8600.)\n";
  }
  table += "\nOn this run:\n\n" + mnist_verdicts(orig, over);
  return table;
}

std::string mnist_figure_body(const MnistFigure& f) {
  const bool product = f.original.l2_on == L2On::product;
  return "\nThe paper: replacing each dense layer's weight of TensorFlow's MNIST tutorial convnet "
         "by a product of two matrices adds about 15% parameters and no expressiveness, yet the "
         "batch loss falls far faster.\n\n" +
         std::to_string(f.original_result.batch_loss.size()) +
         " steps per variant, batch 64, seed " + std::to_string(f.original.seed) + ", L2 on the " +
         to_string(f.original.l2_on) + (product ? " W1*W2" : " W1 and W2") + ".\n\n" +
         mnist_figure_table(f);
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
  json["crossing_step"] = f.crossing == SIZE_MAX ? -1LL : (long long)f.crossing;
  json["original"] = mnist_result_json(f.original, f.original_result, mnist_dir, threads);
  json["overparam"] = mnist_result_json(f.overparam, f.overparam_result, mnist_dir, threads);
  write_json(out + "/mnist.json", json);
  if (plot) {
    PlotOptions o;
    o.title = std::string("MNIST convnet: batch loss, original vs overparameterized (l2 on ") +
              to_string(f.original.l2_on) + ")";
    o.xlabel = "step";
    o.ylabel = "batch loss";
    plot_png(out + "/mnist.png",
             {loss_series("original", f.original_result),
              loss_series("overparameterized", f.overparam_result)},
             o);
  }
}

}  // namespace experiments
