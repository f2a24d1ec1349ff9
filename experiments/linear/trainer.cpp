#include "experiments/linear/trainer.hpp"

#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "autodiff/lp_regression.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/progress.hpp"

namespace experiments {

const char* dtype_name(DType dtype) {
  return dtype == DType::float32 ? "float32" : "float64";
}

std::size_t default_log_every(std::size_t iterations) {
  return std::max<std::size_t>(1, iterations / 2000);
}

std::size_t best_run(const std::vector<LinearResult>& results) {
  std::size_t best = results.size();
  for (std::size_t i = 0; i < results.size(); ++i)
    if (!results[i].diverged &&
        (best == results.size() || results[i].final_loss < results[best].final_loss))
      best = i;
  return best;
}

namespace {

// An optimizer's state with its tensors in another floating-point type (exact from float32 to
// float64 and back).
template <typename To, typename From>
optim::OptimizerState<To> cast_state(const optim::OptimizerState<From>& s) {
  optim::OptimizerState<To> out{s.optimizer, s.lr, {}, s.counts};
  for (const auto& [name, values] : s.tensors) {
    std::vector<ad::Tensor<To>> cast;
    for (const ad::Tensor<From>& t : values) cast.push_back(t.template cast<To>());
    out.tensors.emplace_back(name, std::move(cast));
  }
  return out;
}

// One model of a grid: a network (or, for e2e, one matrix) and its optimizer.
template <typename T>
struct Model {
  std::unique_ptr<nn::DeepLinear<T>> net;
  std::unique_ptr<ad::Parameter<T>> end_to_end;  // e2e only
  std::unique_ptr<optim::Optimizer<T>> opt;
  LinearResult result;
  bool done = false;

  std::vector<ad::Parameter<T>*> trained() {
    return end_to_end ? std::vector<ad::Parameter<T>*>{end_to_end.get()} : net->parameters();
  }
  LinearModelState state() {
    LinearModelState s;
    for (ad::Parameter<T>* p : trained()) s.layers.push_back(p->value().template cast<double>());
    s.optimizer = cast_state<double>(opt->state());
    s.result = result;
    s.done = done;
    return s;
  }
  // Requires: a state of a model of the same shapes and optimizer (std::invalid_argument).
  void load(const LinearModelState& s) {
    const std::vector<ad::Parameter<T>*> params = trained();
    if (s.layers.size() != params.size())
      throw std::invalid_argument("train_linear: the checkpoint holds " +
                                  std::to_string(s.layers.size()) + " layers for a model of " +
                                  std::to_string(params.size()));
    for (std::size_t j = 0; j < params.size(); ++j) {
      if (s.layers[j].shape() != params[j]->shape())
        throw std::invalid_argument("train_linear: the checkpoint's layer " +
                                    std::to_string(j + 1) + " is " + s.layers[j].shape().str() +
                                    ", the model's " + params[j]->shape().str());
      params[j]->value() = s.layers[j].template cast<T>();
    }
    opt->load_state(cast_state<T>(s.optimizer));
    result = s.result;
    done = s.done;
  }
};

// Trains one model per rate, all from the same initialization, together: each iteration stacks
// the models' end-to-end matrices into V [K·k, d] and meets the data once, in one pass over X
// that computes every model's loss and gradient (ad::LpRegression; for p = 2 from XᵀX, without
// a pass), where K separate runs would make 2K passes. The models do not interact, and the fused
// op's arithmetic does not depend on the stack, so each one follows exactly the path of a run of
// its own (bit for bit).
// A model that diverges leaves the stack; the others go on.
template <typename T>
std::vector<LinearResult> train(const Problem& problem, const LinearConfig& c) {
  const std::vector<double>& rates = c.rates;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t d = problem.x.cols(), k = problem.y.cols();
  const ad::Tensor<T> X = problem.x.template cast<T>();
  const bool e2e = c.optimizer == optim::OptimizerKind::e2e;

  nn::DeepLinearOptions o;
  o.input_dim = d;
  o.output_dim = k;
  o.depth = c.depth;
  o.width = c.width;
  o.init = c.init;
  o.init_std = c.init_std;
  o.seed = c.seed;
  const std::vector<ad::Tensor<double>>& loaded = c.initial_layers;
  if (!loaded.empty() && loaded.size() != c.depth)
    throw std::invalid_argument("train_linear: " + std::to_string(loaded.size()) +
                                " initial layers for a depth-" + std::to_string(c.depth) +
                                " network");

  std::vector<Model<T>> models(rates.size());
  for (std::size_t i = 0; i < rates.size(); ++i) {
    Model<T>& model = models[i];
    model.net = std::make_unique<nn::DeepLinear<T>>(o);
    for (std::size_t j = 0; j < loaded.size(); ++j) {
      if (loaded[j].shape() != model.net->layer(j).shape())
        throw std::invalid_argument("train_linear: initial layer " + std::to_string(j + 1) +
                                    " has the wrong shape");
      model.net->layer(j).value() = loaded[j].template cast<T>();
    }
    for (auto* p : model.net->parameters())
      model.result.initial_layers.push_back(p->value().template cast<double>());
    if (e2e) {  // the rule trains one matrix, started at the network's end-to-end product
      model.end_to_end = std::make_unique<ad::Parameter<T>>(model.net->end_to_end(), "W");
      model.opt = optim::make_optimizer<T>(c.optimizer, {model.end_to_end.get()}, rates[i], c.hyper,
                                           int(c.depth));
    } else {
      model.opt = optim::make_optimizer<T>(c.optimizer, model.net->parameters(), rates[i], c.hyper);
    }
  }

  const std::size_t log_every = c.log_every ? c.log_every : default_log_every(c.iterations);
  const bool single = rates.size() == 1;
  Progress progress(c.progress_label, c.iterations, c.progress && c.explain == 0,
                    c.resume ? c.resume->iteration : 0);
  const ad::Tensor<T> Y1 = problem.y.template cast<T>();
  std::unique_ptr<StepExplainer<T>> explainer;
  if (single && c.explain > 0) {
    explainer = std::make_unique<StepExplainer<T>>(
        *models[0].net, X, Y1, problem.p, loss_factor(problem.loss_scale, problem.p), rates[0],
        c.hyper.weight_decay, c.optimizer == optim::OptimizerKind::gd);
  }

  std::size_t first = 0;      // the first iteration this call computes
  double seconds_before = 0;  // the training time of the run before it was resumed
  if (c.resume) {
    if (c.resume->models.size() != models.size())
      throw std::invalid_argument("train_linear: the checkpoint holds " +
                                  std::to_string(c.resume->models.size()) + " models for " +
                                  std::to_string(models.size()) + " rates");
    if (c.resume->iteration > c.iterations)
      throw std::invalid_argument("train_linear: the checkpoint is at iteration " +
                                  std::to_string(c.resume->iteration) + " of a " +
                                  std::to_string(c.iterations) + "-iteration run");
    for (std::size_t i = 0; i < models.size(); ++i) models[i].load(c.resume->models[i]);
    first = c.resume->iteration;
    seconds_before = c.resume->wall_seconds;
  }
  auto elapsed = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const bool checkpoints = c.save_checkpoint && !explainer;
  auto last_checkpoint = std::chrono::steady_clock::now();
  auto save_checkpoint = [&](std::size_t it) {
    LinearCheckpoint checkpoint;
    checkpoint.iteration = it;
    checkpoint.wall_seconds = elapsed();
    for (Model<T>& model : models) checkpoint.models.push_back(model.state());
    c.save_checkpoint(checkpoint);
    last_checkpoint = std::chrono::steady_clock::now();
  };

  std::vector<std::size_t> active;  // the models still training, in stack order
  for (std::size_t i = 0; i < models.size(); ++i)
    if (!models[i].done) active.push_back(i);

  const ad::LpRegression<T> regression(X, Y1, problem.p);  // for p = 2, XᵀX etc. once
  const T factor = static_cast<T>(loss_factor(problem.loss_scale, problem.p));
  ad::Tape<T> tape;
  for (std::size_t it = first; !active.empty(); ++it) {
    // Ctrl-C: this iteration is logged and ends every run. A checkpoint holds the state before
    // it, so a resumed run computes it again and goes on.
    const bool stop = interrupted() != 0;
    if (checkpoints &&
        (stop || std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint)
                         .count() >= c.checkpoint_seconds))
      save_checkpoint(it);

    // Forward: V = [W_e of each active model] [K·k, d], and every model's loss
    // L[a] = c·Σ (X·V_aᵀ - y)^p, in one pass over X: losses [K]. The op computes the loss with
    // c = 1/(p·m); the problem's scale multiplies it (by p for the paper's 1/m; exact, as p is
    // a power of two in the paper's l_2 and l_4).
    tape.clear();
    std::vector<ad::Var<T>> rows;
    for (std::size_t i : active)
      rows.push_back(e2e ? tape.param(*models[i].end_to_end)
                         : models[i].net->record_end_to_end(tape));
    auto v = rows.size() == 1 ? rows[0] : ad::stack_rows(rows);
    auto losses = regression.losses(v);
    if (factor != 1) losses = ad::scale(losses, factor);

    bool changed = false;
    for (std::size_t a = 0; a < active.size(); ++a) {
      Model<T>& model = models[active[a]];
      const double value = double(losses.value()[a]);
      const bool diverged = !std::isfinite(value) || value > divergence_threshold;
      if (it % log_every == 0 || it == c.iterations || diverged || stop) {
        if (!model.result.iteration.empty() && model.result.iteration.back() == it) {
          model.result.loss.back() = value;  // this iteration again, after the stack shrank
        } else {
          model.result.iteration.push_back(it);
          model.result.loss.push_back(value);
        }
      }
      model.result.final_loss = value;
      model.result.iterations_done = it;
      if (diverged) {
        model.result.diverged = true;
        model.result.diverged_at = it;
      }
      if (stop && !diverged && it < c.iterations) model.result.interrupted = true;
      if (diverged || it == c.iterations || stop) {
        model.done = true;
        changed = true;
      }
    }
    progress.update(it, models[active[0]].result.final_loss);
    if (changed) {  // finished models leave the stack before their (meaningless) step
      std::vector<std::size_t> still;
      for (std::size_t i : active)
        if (!models[i].done) still.push_back(i);
      if (still.empty()) break;
      if (still.size() != active.size()) {
        // Recompute with the survivors only: their gradients must not see the others' rows.
        active = std::move(still);
        --it;
        continue;
      }
    }

    // Backward and one step of every optimizer. The models share no parameter, so the gradient
    // of the summed loss with respect to model i's parameters is the gradient of its own loss.
    for (std::size_t i : active) models[i].opt->zero_grad();
    tape.backward(ad::sum(losses));
    const bool explain = explainer && it < c.explain;
    if (explain) explainer->before(it, models[0].result.final_loss);
    for (std::size_t i : active) models[i].opt->step();
    if (c.on_iterations) c.on_iterations(active.size());
    if (explain) {
      models[0].result.explained.push_back(explainer->after());
      if (c.print_explain) print_explain(stdout, models[0].result.explained.back());
    }
  }
  progress.finish();

  const double seconds = elapsed();
  std::vector<LinearResult> results;
  for (Model<T>& model : models) {
    if (e2e) {
      model.result.final_layers = {model.end_to_end->value().template cast<double>()};
    } else {
      for (auto* p : model.net->parameters())
        model.result.final_layers.push_back(p->value().template cast<double>());
    }
    model.result.wall_seconds = seconds;
    results.push_back(std::move(model.result));
  }
  return results;
}

}  // namespace

double linear_training_bytes(const LinearConfig& c, std::size_t rows, std::size_t features, int p) {
  const double m = double(rows), d = double(features), w = double(c.width);
  const double n = double(c.depth), models = double(c.rates.size());
  const double parameters = c.depth == 1 ? d : d * w + (n - 2) * w * w + w;
  const double t = c.dtype == DType::float32 ? 4 : 8;
  const double per_model = parameters * (4 * t + 16) + 2 * m * t;
  return models * per_model + 2 * m * d * t + (p == 2 ? d * d * t : 0);
}

std::vector<LinearResult> train_linear(const Problem& problem, const LinearConfig& config) {
  if (config.rates.empty()) throw std::invalid_argument("train_linear: no learning rates");
  if (config.explain > 0 && config.rates.size() > 1)
    throw std::invalid_argument("--explain takes a single run apart; drop --lr-grid");
  if (config.explain > 0 && config.resume)
    throw std::invalid_argument(
        "train_linear: --explain starts at the first step; it cannot resume");
  return config.dtype == DType::float32 ? train<float>(problem, config)
                                        : train<double>(problem, config);
}

}  // namespace experiments
