#include "experiments/cli/mnist_common.hpp"

#include <iostream>

#include "experiments/runner/runner.hpp"

namespace experiments {

// Loads MNIST or explains, on stderr, how to get it.
bool load_mnist_or_explain(const char* command, const std::string& dir, std::size_t validation_size,
                           data::Mnist& mnist) {
  try {
    mnist = data::load_mnist(dir, validation_size);
    return true;
  } catch (const data::DataError& e) {
    std::cerr << "overparam " << command << ": " << e.what() << "\n";
    return false;
  }
}

bool cached_mnist_or_explain(const char* command, const std::string& dir,
                             std::size_t validation_size) {
  try {
    cached_mnist(dir, validation_size);
    return true;
  } catch (const data::DataError& e) {
    std::cerr << "overparam " << command << ": " << e.what() << "\n";
    return false;
  }
}

}  // namespace experiments
