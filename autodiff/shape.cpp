#include "autodiff/shape.hpp"

#include <stdexcept>

namespace ad {

Shape::Shape(std::initializer_list<std::size_t> dims) : Shape(std::vector<std::size_t>(dims)) {}

Shape::Shape(const std::vector<std::size_t>& dims) {
  if (dims.size() > max_rank) {
    throw std::invalid_argument("Shape: rank " + std::to_string(dims.size()) +
                                " is more than the supported " + std::to_string(max_rank));
  }
  rank_ = static_cast<int>(dims.size());
  for (std::size_t i = 0; i < dims.size(); ++i) dims_[i] = dims[i];
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i > 0) s += ",";
    s += std::to_string(dims_[static_cast<std::size_t>(i)]);
  }
  return s + "]";
}

}  // namespace ad
