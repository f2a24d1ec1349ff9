#include "autodiff/tensor.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ad {

namespace {
void check_count(const char* what, const Shape& shape, std::size_t count) {
  if (shape.size() != count) {
    throw std::invalid_argument(std::string(what) + ": shape " + shape.str() + " holds " +
                                std::to_string(shape.size()) + " elements but " +
                                std::to_string(count) + " were given");
  }
}
}  // namespace

template <typename T>
Tensor<T>::Tensor(Shape shape, T fill) : shape_(shape), data_(new T[shape.size()]) {
  std::fill_n(data_.get(), size(), fill);
}

template <typename T>
Tensor<T>::Tensor(Shape shape, std::initializer_list<T> values)
    : Tensor(shape, std::vector<T>(values)) {}

template <typename T>
Tensor<T>::Tensor(Shape shape, const std::vector<T>& values)
    : shape_(shape), data_(new T[shape.size()]) {
  check_count("Tensor", shape, values.size());
  std::copy(values.begin(), values.end(), data_.get());
}

template <typename T>
Tensor<T> Tensor<T>::uninitialized(Shape shape) {
  Tensor t;
  t.shape_ = shape;
  t.data_.reset(new T[shape.size()]);
  return t;
}

template <typename T>
Tensor<T>::Tensor(const Tensor& other) : shape_(other.shape_), data_(new T[other.size()]) {
  std::copy_n(other.data_.get(), size(), data_.get());
}

template <typename T>
Tensor<T>& Tensor<T>::operator=(const Tensor& other) {
  if (this != &other) {
    if (size() != other.size()) data_.reset(new T[other.size()]);
    shape_ = other.shape_;
    std::copy_n(other.data_.get(), size(), data_.get());
  }
  return *this;
}

template <typename T>
T Tensor<T>::item() const {
  if (size() != 1) {
    throw std::logic_error("Tensor::item: tensor of shape " + shape_.str() + " has " +
                           std::to_string(size()) + " elements, not one");
  }
  return data_[0];
}

template <typename T>
void Tensor<T>::fill(T value) {
  std::fill_n(data_.get(), size(), value);
}

template <typename T>
Tensor<T> Tensor<T>::reshaped(Shape shape) const& {
  return Tensor(*this).reshaped(shape);
}

template <typename T>
Tensor<T> Tensor<T>::reshaped(Shape shape) && {
  if (shape.size() != size()) {
    throw std::invalid_argument("reshape: cannot view " + shape_.str() + " (" +
                                std::to_string(size()) + " elements) as " + shape.str() + " (" +
                                std::to_string(shape.size()) + " elements)");
  }
  Tensor t = std::move(*this);
  t.shape_ = shape;
  return t;
}

template <typename T>
template <typename U>
Tensor<U> Tensor<T>::cast() const {
  Tensor<U> out = Tensor<U>::uninitialized(shape_);
  for (std::size_t i = 0; i < size(); ++i) out[i] = static_cast<U>(data_[i]);
  return out;
}

template class Tensor<float>;
template class Tensor<double>;
template Tensor<double> Tensor<float>::cast<double>() const;
template Tensor<float> Tensor<double>::cast<float>() const;
template Tensor<float> Tensor<float>::cast<float>() const;
template Tensor<double> Tensor<double>::cast<double>() const;

}  // namespace ad
