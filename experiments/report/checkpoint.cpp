#include "experiments/report/checkpoint.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "data_loaders/atomic_file.hpp"
#include "data_loaders/read_file.hpp"

namespace experiments {

namespace {

template <typename T>
const char* dtype_of() {
  return sizeof(T) == 4 ? "float32" : "float64";
}

}  // namespace

template <typename T>
Json tensor_record(const ad::Tensor<T>& t) {
  std::vector<std::uint8_t> bytes(t.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), t.data(), bytes.size());
  Json j;
  j["dtype"] = dtype_of<T>();
  j["shape"] = t.shape().dims();
  j["bytes"] = Json::binary(std::move(bytes));
  return j;
}

template <typename T>
ad::Tensor<T> tensor_from_record(const Json& j, const std::string& what) {
  auto refuse = [&](const std::string& why) { throw std::invalid_argument(what + ": " + why); };
  if (!j.is_object() || !j.contains("dtype") || !j.contains("shape") || !j.contains("bytes"))
    refuse("not a tensor (expected dtype, shape and bytes)");
  if (j.at("dtype") != dtype_of<T>())
    refuse("holds " + j.at("dtype").dump() + " values, expected " + dtype_of<T>());
  const Json& dims = j.at("shape");
  if (!dims.is_array() || dims.size() > std::size_t(ad::Shape::max_rank))
    refuse("its shape is not a list of at most 4 sizes");
  std::vector<std::size_t> shape;
  std::size_t count = 1;
  for (const Json& d : dims) {
    if (!d.is_number_unsigned()) refuse("its shape holds " + d.dump() + ", not a size");
    const auto n = d.get<std::size_t>();
    if (n != 0 && count > (std::size_t{1} << 40) / n) refuse("its shape is too large");
    count *= n;
    shape.push_back(n);
  }
  if (!j.at("bytes").is_binary()) refuse("its bytes are not a byte string");
  const auto& bytes = j.at("bytes").get_binary();
  if (bytes.size() != count * sizeof(T))
    refuse(std::to_string(bytes.size()) + " bytes for " + std::to_string(count) + " values");
  ad::Tensor<T> t = ad::Tensor<T>::uninitialized(ad::Shape(shape));
  if (count) std::memcpy(t.data(), bytes.data(), bytes.size());
  return t;
}

template <typename T>
Json optimizer_state_record(const optim::OptimizerState<T>& s) {
  Json j;
  j["optimizer"] = s.optimizer;
  j["lr"] = s.lr;
  Json tensors = Json::object();
  for (const auto& [name, values] : s.tensors) {
    Json list = Json::array();
    for (const auto& t : values) list.push_back(tensor_record(t));
    tensors[name] = list;
  }
  j["tensors"] = tensors;
  Json counts = Json::object();
  for (const auto& [name, values] : s.counts) counts[name] = values;
  j["counts"] = counts;
  return j;
}

template <typename T>
optim::OptimizerState<T> optimizer_state_from_record(const Json& j) {
  optim::OptimizerState<T> s;
  s.optimizer = j.at("optimizer").get<std::string>();
  s.lr = j.at("lr").get<double>();
  for (const auto& [name, list] : j.at("tensors").items()) {
    std::vector<ad::Tensor<T>> values;
    for (const Json& t : list) values.push_back(tensor_from_record<T>(t, "optimizer slot " + name));
    s.tensors.emplace_back(name, std::move(values));
  }
  for (const auto& [name, list] : j.at("counts").items())
    s.counts.emplace_back(name, list.template get<std::vector<long>>());
  return s;
}

std::string checkpoint_path(const std::string& dir) {
  return dir + "/" + checkpoint_file;
}

void write_checkpoint(const std::string& dir, const std::string& command, Json checkpoint) {
  checkpoint["format"] = checkpoint_format;
  checkpoint["command"] = command;
  const std::vector<std::uint8_t> bytes = Json::to_cbor(checkpoint);
  data::write_file_atomic(
      checkpoint_path(dir),
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Json read_checkpoint(const std::string& dir, const std::string& command) {
  const std::string path = checkpoint_path(dir);
  const std::string bytes = data::read_file(path);
  Json j;
  try {
    j = Json::from_cbor(bytes);
  } catch (const Json::exception& e) {
    throw data::DataError(path + ": not a checkpoint (not CBOR: " + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("format") || !j.contains("command"))
    throw data::DataError(path + ": not an overparam checkpoint (no format or command)");
  if (j.at("format") != checkpoint_format)
    throw data::DataError(path + ": checkpoint format " + j.at("format").dump() +
                          ", this overparam reads format " + std::to_string(checkpoint_format));
  if (j.at("command") != command)
    throw data::DataError(path + ": the checkpoint of an 'overparam " +
                          j.at("command").get<std::string>() + "' run, not of 'overparam " +
                          command + "'");
  return j;
}

void remove_checkpoint(const std::string& dir) {
  std::error_code ignored;
  std::filesystem::remove(checkpoint_path(dir), ignored);
}

template Json tensor_record(const ad::Tensor<float>&);
template Json tensor_record(const ad::Tensor<double>&);
template ad::Tensor<float> tensor_from_record(const Json&, const std::string&);
template ad::Tensor<double> tensor_from_record(const Json&, const std::string&);
template Json optimizer_state_record(const optim::OptimizerState<float>&);
template Json optimizer_state_record(const optim::OptimizerState<double>&);
template optim::OptimizerState<float> optimizer_state_from_record(const Json&);
template optim::OptimizerState<double> optimizer_state_from_record(const Json&);

}  // namespace experiments
