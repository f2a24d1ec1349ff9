#include "experiments/linear/checkpoint.hpp"

#include <stdexcept>

#include "experiments/report/checkpoint.hpp"

namespace experiments {

namespace {

Json layers_record(const std::vector<ad::Tensor<double>>& layers) {
  Json list = Json::array();
  for (const ad::Tensor<double>& t : layers) list.push_back(tensor_record(t));
  return list;
}

std::vector<ad::Tensor<double>> layers_from_record(const Json& list, const std::string& what) {
  std::vector<ad::Tensor<double>> layers;
  for (const Json& t : list)
    layers.push_back(tensor_from_record<double>(t, what + " " + std::to_string(layers.size() + 1)));
  return layers;
}

}  // namespace

Json linear_checkpoint_record(const LinearCheckpoint& c) {
  Json j;
  j["iteration"] = c.iteration;
  j["wall_seconds"] = c.wall_seconds;
  Json models = Json::array();
  for (const LinearModelState& m : c.models) {
    const LinearResult& r = m.result;
    Json model;
    model["done"] = m.done;
    model["layers"] = layers_record(m.layers);
    model["optimizer"] = optimizer_state_record(m.optimizer);
    put_linear_rows(model, r);
    model["initial_layers"] = layers_record(r.initial_layers);
    models.push_back(model);
  }
  j["models"] = models;
  return j;
}

void put_linear_rows(Json& j, const LinearResult& r) {
  j["iteration"] = r.iteration;
  j["loss"] = r.loss;
  j["diverged"] = r.diverged;
  j["diverged_at"] = r.diverged_at;
  j["iterations_done"] = r.iterations_done;
  j["final_loss"] = r.final_loss;
}

void get_linear_rows(const Json& j, LinearResult& r) {
  r.iteration = j.at("iteration").get<std::vector<std::size_t>>();
  r.loss = j.at("loss").get<std::vector<double>>();
  if (r.iteration.size() != r.loss.size())
    throw std::invalid_argument("a model's iterations and losses differ in number");
  r.diverged = j.at("diverged").get<bool>();
  r.diverged_at = j.at("diverged_at").get<std::size_t>();
  r.iterations_done = j.at("iterations_done").get<std::size_t>();
  r.final_loss = j.at("final_loss").get<double>();
}

LinearCheckpoint linear_checkpoint_from_record(const Json& j) {
  try {
    LinearCheckpoint c;
    c.iteration = j.at("iteration").get<std::size_t>();
    c.wall_seconds = j.at("wall_seconds").get<double>();
    for (const Json& model : j.at("models")) {
      LinearModelState m;
      LinearResult& r = m.result;
      m.done = model.at("done").get<bool>();
      m.layers = layers_from_record(model.at("layers"), "layer");
      m.optimizer = optimizer_state_from_record<double>(model.at("optimizer"));
      get_linear_rows(model, r);
      r.initial_layers = layers_from_record(model.at("initial_layers"), "initial layer");
      c.models.push_back(std::move(m));
    }
    return c;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("the checkpoint's training state: ") + e.what());
  }
}

}  // namespace experiments
