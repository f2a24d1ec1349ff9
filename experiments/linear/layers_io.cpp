#include "experiments/linear/layers_io.hpp"

#include <cmath>
#include <stdexcept>

#include "data_loaders/npy.hpp"
#include "experiments/report/files.hpp"

namespace experiments {

void save_layers(const std::string& dir, const std::vector<ad::Tensor<double>>& layers) {
  make_output_dir(dir);
  for (std::size_t j = 0; j < layers.size(); ++j) {
    const auto& w = layers[j];
    data::write_npy(dir + "/W" + std::to_string(j + 1) + ".npy",
                    std::vector<double>(w.begin(), w.end()), {w.rows(), w.cols()});
  }
}

std::vector<ad::Tensor<double>> load_layers(const std::string& dir, std::size_t depth,
                                            std::size_t input_dim, std::size_t width,
                                            std::size_t output_dim) {
  std::vector<ad::Tensor<double>> layers;
  for (std::size_t j = 0; j < depth; ++j) {
    const std::string path = dir + "/W" + std::to_string(j + 1) + ".npy";
    const data::NpyArray a = data::read_npy(path);
    const std::size_t in = j == 0 ? input_dim : width;
    const std::size_t out = j + 1 == depth ? output_dim : width;
    if (a.shape.size() != 2 || a.shape[0] != out || a.shape[1] != in) {
      std::string got = "(";
      for (std::size_t i = 0; i < a.shape.size(); ++i)
        got += (i ? "," : "") + std::to_string(a.shape[i]);
      throw std::invalid_argument(path + ": shape " + got + "), but layer " +
                                  std::to_string(j + 1) + " of this depth-" +
                                  std::to_string(depth) + " network is (" + std::to_string(out) +
                                  "," + std::to_string(in) + ")");
    }
    for (std::size_t i = 0; i < a.data.size(); ++i) {
      if (!std::isfinite(a.data[i]))
        throw std::invalid_argument(path + ": element " + std::to_string(i) + " is " +
                                    std::to_string(a.data[i]) +
                                    "; initial layers must hold finite numbers");
    }
    layers.emplace_back(ad::Shape{out, in}, a.data);
  }
  return layers;
}

}  // namespace experiments
