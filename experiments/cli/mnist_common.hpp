// What `overparam mnist`, `overparam mnist-figure` and `overparam sweep mnist` share: loading
// the data.
#pragma once

#include <string>

#include "data_loaders/mnist.hpp"

namespace experiments {

// Loads MNIST into `mnist`, or says on stderr why it could not ("overparam COMMAND: ...").
bool load_mnist_or_explain(const char* command, const std::string& dir, std::size_t validation_size,
                           data::Mnist& mnist);
// The same for the runner's copy (runner.hpp's cached_mnist), which its MNIST jobs train on.
bool cached_mnist_or_explain(const char* command, const std::string& dir,
                             std::size_t validation_size);

}  // namespace experiments
