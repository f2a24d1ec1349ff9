// A linear network's layers on disk: W1.npy ... WN.npy (float64, C order, shape (out, in)),
// what `overparam linear` writes after training and what --save-init / --load-init exchange.
#pragma once

#include <string>
#include <vector>

#include "autodiff/tensor.hpp"

namespace experiments {

// Writes layers as W1.npy ... WN.npy into `dir` (created if needed).
void save_layers(const std::string& dir, const std::vector<ad::Tensor<double>>& layers);

// Reads W1.npy ... WN.npy from `dir`. Throws std::invalid_argument naming the file when a
// layer's shape is not that of a depth-N network of this width on these dimensions, or holds a
// value that is not finite; data::DataError for a file that is missing or not .npy.
std::vector<ad::Tensor<double>> load_layers(const std::string& dir, std::size_t depth,
                                            std::size_t input_dim, std::size_t width,
                                            std::size_t output_dim);

}  // namespace experiments
