// Tensor<T>: a value. A shape plus contiguous row-major storage of T (float or double).
//
// A Tensor knows nothing about gradients; that is the tape's business (tape.hpp). Copying a
// Tensor copies its elements (a deep copy); moving it is free. Element (i, j) of a matrix sits at
// data()[i * cols + j], so a Tensor can be handed straight to BLAS with leading dimension cols.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

#include "autodiff/shape.hpp"

namespace ad {

template <typename T>
class Tensor {
 public:
  // An empty tensor: shape [0], no elements.
  Tensor() : shape_{0} {}
  // Ensures: every element equals `fill`.
  explicit Tensor(Shape shape, T fill = T{0});
  // Requires: values.size() == shape.size() (throws std::invalid_argument otherwise).
  Tensor(Shape shape, std::initializer_list<T> values);
  Tensor(Shape shape, const std::vector<T>& values);
  // Storage that the caller will overwrite before reading (BLAS outputs with beta = 0).
  static Tensor uninitialized(Shape shape);
  static Tensor scalar(T value) { return Tensor(Shape{}, value); }

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  std::size_t size() const { return shape_.size(); }
  bool empty() const { return size() == 0; }
  // Matrix view of a rank-2 tensor: [rows(), cols()].
  std::size_t rows() const { return shape_[0]; }
  std::size_t cols() const { return shape_[1]; }

  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  std::span<T> values() { return {data_.get(), size()}; }
  std::span<const T> values() const { return {data_.get(), size()}; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  // Element (i, j) of a rank-2 tensor.
  T& at(std::size_t i, std::size_t j) { return data_[i * shape_[1] + j]; }
  const T& at(std::size_t i, std::size_t j) const { return data_[i * shape_[1] + j]; }
  // The single element of a one-element tensor (throws std::logic_error otherwise).
  T item() const;

  void fill(T value);
  // The same elements under a new shape. Requires: equal element counts.
  Tensor reshaped(Shape shape) const&;
  Tensor reshaped(Shape shape) &&;
  // The elements converted to another scalar type (float <-> double).
  template <typename U>
  Tensor<U> cast() const;

 private:
  Shape shape_;
  std::unique_ptr<T[]> data_;
};

}  // namespace ad
