// What `overparam mnist` and `overparam mnist-figure` share: loading the data.
#pragma once

#include <string>

#include "data_loaders/mnist.hpp"

namespace experiments {

// Loads MNIST into `mnist`, or says on stderr why it could not ("overparam COMMAND: ...").
bool load_mnist_or_explain(const char* command, const std::string& dir, std::size_t validation_size,
                           data::Mnist& mnist);

}  // namespace experiments
