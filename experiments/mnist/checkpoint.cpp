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
  const MnistResult& r = c.result;
  j["steps"] = r.steps;
  j["batch_loss"] = r.batch_loss;
  j["lr"] = r.lr;
  Json evals = Json::array();
  for (const MnistEval& e : r.evals) evals.push_back({e.step, e.validation_error, e.test_error});
  j["evals"] = evals;
  j["train_seconds"] = r.train_seconds;
  j["eval_seconds"] = r.eval_seconds;
  return j;
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
    MnistResult& r = c.result;
    r.steps = j.at("steps").get<std::size_t>();
    r.batch_loss = j.at("batch_loss").get<std::vector<double>>();
    r.lr = j.at("lr").get<std::vector<double>>();
    if (r.steps != c.step || r.batch_loss.size() != r.steps || r.lr.size() != r.steps)
      throw std::invalid_argument("its step, batch losses and rates differ in number");
    for (const Json& e : j.at("evals"))
      r.evals.push_back({e.at(0).get<std::size_t>(), e.at(1).get<double>(), e.at(2).get<double>()});
    r.train_seconds = j.at("train_seconds").get<double>();
    r.eval_seconds = j.at("eval_seconds").get<double>();
    return c;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("the checkpoint's training state: ") + e.what());
  }
}

}  // namespace experiments
