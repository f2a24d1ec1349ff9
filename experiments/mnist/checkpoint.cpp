#include "experiments/mnist/checkpoint.hpp"

#include <stdexcept>

#include "experiments/report/checkpoint.hpp"

namespace experiments {

Json mnist_checkpoint_record(const MnistCheckpoint& c) {
  Json j;
  j["step"] = c.step;
  Json parameters = Json::array();
  for (const ad::Tensor<float>& t : c.parameters) parameters.push_back(tensor_record(t));
  j["parameters"] = parameters;
  j["optimizer"] = optimizer_state_record(c.optimizer);
  j["dropout_calls"] = c.dropout_calls;
  put_mnist_result(j, c.result);
  return j;
}

void put_mnist_result(Json& j, const MnistResult& r) {
  j["steps"] = r.steps;
  j["batch_loss"] = r.batch_loss;
  j["lr"] = r.lr;
  Json evals = Json::array();
  for (const MnistEval& e : r.evals) evals.push_back({e.step, e.validation_error, e.test_error});
  j["evals"] = evals;
  j["num_parameters"] = r.num_parameters;
  j["diverged"] = r.diverged;
  j["interrupted"] = r.interrupted;
  j["train_seconds"] = r.train_seconds;
  j["eval_seconds"] = r.eval_seconds;
}

MnistResult mnist_result_from_record(const Json& j) {
  try {
    MnistResult r;
    r.steps = j.at("steps").get<std::size_t>();
    r.batch_loss = j.at("batch_loss").get<std::vector<double>>();
    r.lr = j.at("lr").get<std::vector<double>>();
    for (const Json& e : j.at("evals"))
      r.evals.push_back({e.at(0).get<std::size_t>(), e.at(1).get<double>(), e.at(2).get<double>()});
    // Checkpoints written before these three were kept read as a run under way.
    r.num_parameters = j.value("num_parameters", std::size_t{0});
    r.diverged = j.value("diverged", false);
    r.interrupted = j.value("interrupted", false);
    r.train_seconds = j.at("train_seconds").get<double>();
    r.eval_seconds = j.at("eval_seconds").get<double>();
    // A diverged run keeps the loss of the step it stopped at, one more than its steps.
    if (r.lr.size() != r.batch_loss.size() || r.batch_loss.size() < r.steps ||
        r.batch_loss.size() > r.steps + (r.diverged ? 1 : 0))
      throw std::invalid_argument("its steps, batch losses and rates differ in number");
    return r;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("the training's rows: ") + e.what());
  }
}

MnistCheckpoint mnist_checkpoint_from_record(const Json& j) {
  try {
    MnistCheckpoint c;
    c.step = j.at("step").get<std::size_t>();
    for (const Json& t : j.at("parameters"))
      c.parameters.push_back(
          tensor_from_record<float>(t, "parameter " + std::to_string(c.parameters.size() + 1)));
    c.optimizer = optimizer_state_from_record<float>(j.at("optimizer"));
    c.dropout_calls = j.at("dropout_calls").get<std::uint64_t>();
    c.result = mnist_result_from_record(j);
    const MnistResult& r = c.result;
    if (r.steps != c.step || r.batch_loss.size() != r.steps || r.lr.size() != r.steps)
      throw std::invalid_argument("its step, batch losses and rates differ in number");
    return c;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("the checkpoint's training state: ") + e.what());
  }
}

}  // namespace experiments
