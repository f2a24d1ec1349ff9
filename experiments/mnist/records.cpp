#include "experiments/mnist/records.hpp"

#include <cmath>

#include "experiments/report/files.hpp"

namespace experiments {

Csv batch_loss_csv(const MnistResult& r) {
  Csv csv({"step", "batch_loss", "lr"});
  for (std::size_t i = 0; i < r.batch_loss.size(); ++i)
    csv.row().cell(i).cell(r.batch_loss[i], "%.9g").cell(r.lr[i], "%.9g");
  return csv;
}

Csv eval_csv(const MnistResult& r) {
  Csv csv({"step", "validation_error_percent", "test_error_percent"});
  for (const auto& e : r.evals)
    csv.row().cell(e.step).cell(e.validation_error, "%.4f").cell(e.test_error, "%.4f");
  return csv;
}

Series loss_series(const std::string& label, const MnistResult& r) {
  Series s{label, {}, {}};
  for (std::size_t i = 0; i < r.batch_loss.size(); ++i) {
    s.x.push_back(double(i));
    s.y.push_back(r.batch_loss[i]);
  }
  return s;
}

Json mnist_result_json(const MnistConfig& c, const MnistResult& r, const std::string& mnist_dir,
                       int threads) {
  Json settings;
  settings["variant"] = to_string(c.variant);
  settings["epochs"] = c.epochs;
  settings["steps"] = c.steps;
  settings["batch_size"] = c.batch_size;
  settings["l2_on"] = to_string(c.l2_on);
  settings["eval_every"] = c.eval_every;
  settings["seed"] = c.seed;
  settings["conv"] = ad::to_string(c.conv);
  settings["threads"] = threads;
  settings["mnist_dir"] = mnist_dir;
  settings["weight_decay"] = mnist_weight_decay;
  settings["momentum"] = mnist_momentum;
  settings["base_lr"] = mnist_base_lr;
  settings["lr_decay_per_epoch"] = mnist_lr_decay;
  Json evals = Json::array();
  for (const auto& e : r.evals) {
    Json entry;
    entry["step"] = e.step;
    entry["validation_error_percent"] = e.validation_error;
    entry["test_error_percent"] = e.test_error;
    evals.push_back(entry);
  }
  const double none = std::nan("");
  Json json;
  json["settings"] = settings;
  json["num_parameters"] = r.num_parameters;
  json["steps_done"] = r.steps;
  json["diverged"] = r.diverged;
  json["interrupted"] = r.interrupted;
  json["first_batch_loss"] = r.batch_loss.empty() ? none : r.batch_loss.front();
  json["final_batch_loss"] = r.batch_loss.empty() ? none : r.batch_loss.back();
  json["final_validation_error_percent"] = r.evals.empty() ? none : r.evals.back().validation_error;
  json["final_test_error_percent"] = r.evals.empty() ? none : r.evals.back().test_error;
  json["train_seconds"] = r.train_seconds;
  json["eval_seconds"] = r.eval_seconds;
  json["seconds_per_step"] = r.seconds_per_step();
  json["evals"] = evals;
  return json;
}

void write_mnist_run(const std::string& out, const MnistConfig& c, const MnistResult& r,
                     const std::string& mnist_dir, int threads, bool plot) {
  make_output_dir(out);
  batch_loss_csv(r).write(out + "/batch_loss.csv");
  eval_csv(r).write(out + "/eval.csv");
  Json json;
  json["version"] = OVERPARAM_VERSION;
  json["command"] = "mnist";
  // The same layout as linear's run.json: "settings", then the results, at the top level.
  const Json result = mnist_result_json(c, r, mnist_dir, threads);
  for (const auto& [key, value] : result.items()) json[key] = value;
  write_json(out + "/run.json", json);
  if (plot) {
    PlotOptions o;
    o.title = std::string("MNIST convnet (") + to_string(c.variant) +
              (c.variant == MnistVariant::overparam ? std::string(", l2 on ") + to_string(c.l2_on)
                                                    : std::string()) +
              ")";
    o.xlabel = "step";
    o.ylabel = "batch loss";
    plot_png(out + "/batch_loss.png", {loss_series(to_string(c.variant), r)}, o);
  }
}

}  // namespace experiments
