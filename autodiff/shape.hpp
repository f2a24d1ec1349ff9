// Shape: the dimensions of a tensor, outermost first (row-major).
//
// A shape has rank 0 to 4: rank 0 is a scalar (one element), rank 2 a matrix [rows, cols],
// rank 4 a batch of images [N, C, H, W]. It lives inline (no heap), so recording an op on the
// tape never allocates for shapes. `str()` prints "[3,4]", the form every error message uses.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace ad {

class Shape {
 public:
  static constexpr int max_rank = 4;

  // A scalar: rank 0, one element.
  Shape() = default;
  // Requires: at most max_rank dimensions (throws std::invalid_argument otherwise).
  Shape(std::initializer_list<std::size_t> dims);
  explicit Shape(const std::vector<std::size_t>& dims);

  int rank() const { return rank_; }
  std::size_t operator[](int axis) const { return dims_[static_cast<std::size_t>(axis)]; }
  // The number of elements: the product of the dimensions (1 for a scalar).
  std::size_t size() const {
    std::size_t n = 1;
    for (int i = 0; i < rank_; ++i) n *= dims_[static_cast<std::size_t>(i)];
    return n;
  }
  std::vector<std::size_t> dims() const { return {dims_.begin(), dims_.begin() + rank_}; }
  // "[3,4]"; "[]" for a scalar.
  std::string str() const;

  bool operator==(const Shape& other) const = default;

 private:
  std::array<std::size_t, max_rank> dims_{};  // unused trailing entries stay 0
  int rank_ = 0;
};

}  // namespace ad
