// A tiny MNIST-shaped IDX set for tests that must not depend on the real files.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "data_loaders/mnist.hpp"

// A small MNIST-shaped set in `dir`: `train` and `test` images of 28x28, the digit's label
// written as a bright square whose position depends on it.
inline void write_tiny_mnist(const std::string& dir, std::size_t train, std::size_t test) {
  std::mt19937 rng(3);
  auto images = [&](std::size_t count, std::vector<std::uint8_t>& labels) {
    std::vector<std::uint8_t> pixels(count * 28 * 28);
    labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      labels[i] = std::uint8_t(rng() % 10);
      for (std::size_t r = 0; r < 28; ++r)
        for (std::size_t c = 0; c < 28; ++c) {
          const bool on = r / 7 == labels[i] % 4 && c / 7 == labels[i] / 4;
          pixels[i * 784 + r * 28 + c] = std::uint8_t(on ? 200 + rng() % 56 : rng() % 40);
        }
    }
    return pixels;
  };
  std::vector<std::uint8_t> labels;
  data::write_idx_images(dir + "/train-images-idx3-ubyte", 28, 28, images(train, labels));
  data::write_idx_labels(dir + "/train-labels-idx1-ubyte", labels);
  data::write_idx_images(dir + "/t10k-images-idx3-ubyte", 28, 28, images(test, labels));
  data::write_idx_labels(dir + "/t10k-labels-idx1-ubyte", labels);
}
