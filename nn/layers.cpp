#include "nn/layers.hpp"

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

#include "autodiff/blas.hpp"
#include "autodiff/dropout.hpp"
#include "autodiff/elementwise.hpp"
#include "autodiff/matmul.hpp"
#include "autodiff/product_norm.hpp"
#include "autodiff/reduce.hpp"
#include "autodiff/shape_ops.hpp"

namespace nn {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  // SplitMix64's finalizer over the seed advanced `stream + 1` steps of its Weyl sequence.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <typename T>
void fill_truncated_normal(ad::Tensor<T>& t, double std, std::uint64_t seed) {
  if (!(std > 0) || !std::isfinite(std)) {
    throw std::invalid_argument("fill_truncated_normal: std must be a positive number, got " +
                                std::to_string(std));
  }
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return double(rng() >> 11) * 0x1p-53; };  // [0, 1)
  std::size_t i = 0;
  while (i < t.size()) {
    // Box-Muller: two independent standard normals from two uniforms (1 - u lies in (0, 1]).
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    const double angle = 2.0 * std::numbers::pi * uniform();
    for (double z : {radius * std::cos(angle), radius * std::sin(angle)}) {
      if (std::abs(z) <= 2.0 && i < t.size()) t[i++] = static_cast<T>(z * std);
    }
  }
}

namespace {

void require(bool ok, const std::string& layer, const std::string& why) {
  if (!ok) throw std::invalid_argument(layer + ": " + why);
}

void require_init(const std::string& layer, double init_std, double bias_init) {
  require(init_std > 0 && std::isfinite(init_std), layer,
          "init_std must be a positive number, got " + std::to_string(init_std));
  require(std::isfinite(bias_init), layer, "bias_init must be finite");
}

// Requires x [N, in] for a dense layer called `layer`.
void check_dense_input(const ad::Shape& xs, std::size_t in, const std::string& layer) {
  if (xs.rank() == 2 && xs[1] == in) return;
  std::string hint;
  if (xs.rank() > 2) hint = "; did you forget a Flatten before it?";
  throw std::invalid_argument(layer + ": input is " + xs.str() + ", expected [N," +
                              std::to_string(in) + "]" + hint);
}

}  // namespace

// ---- Conv2D -----------------------------------------------------------------------------------

template <typename T>
Conv2D<T>::Conv2D(Conv2DOptions options)
    : options_(options), weight_(ad::Tensor<T>()), bias_(ad::Tensor<T>()) {
  reset_parameters();
  this->register_parameter("weight", weight_);
  if (options_.bias) this->register_parameter("bias", bias_);
}

template <typename T>
std::string Conv2D<T>::describe() const {
  const auto& o = options_;
  return "Conv2D(" + std::to_string(o.in_channels) + "->" + std::to_string(o.out_channels) + ", " +
         std::to_string(o.kernel) + "x" + std::to_string(o.kernel) + ", " +
         ad::to_string(o.padding) + (o.stride != 1 ? ", stride " + std::to_string(o.stride) : "") +
         ")";
}

template <typename T>
void Conv2D<T>::reset_parameters() {
  const auto& o = options_;
  require(o.in_channels >= 1 && o.out_channels >= 1, "Conv2D",
          "in_channels and out_channels must be at least 1");
  require(o.kernel >= 1, "Conv2D", "kernel must be at least 1");
  require(o.stride >= 1, "Conv2D", "stride must be at least 1");
  require_init("Conv2D", o.init_std, o.bias_init);
  weight_.value() = ad::Tensor<T>({o.out_channels, o.in_channels, o.kernel, o.kernel});
  fill_truncated_normal(weight_.value(), o.init_std, o.seed);
  bias_.value() =
      o.bias ? ad::Tensor<T>({o.out_channels}, static_cast<T>(o.bias_init)) : ad::Tensor<T>();
  weight_.zero_grad();
  bias_.zero_grad();
}

template <typename T>
ad::Var<T> Conv2D<T>::forward(ad::Var<T> x) {
  const ad::Shape& xs = x.shape();
  if (xs.rank() != 4 || xs[1] != options_.in_channels) {
    std::string hint;
    if (xs.rank() == 2) hint = "; flat images must be reshaped to [N,C,H,W] first";
    throw std::invalid_argument(describe() + ": input is " + xs.str() + ", expected [N," +
                                std::to_string(options_.in_channels) + ",H,W]" + hint);
  }
  auto& tape = x.tape();
  const ad::Conv2dOptions conv{.stride = options_.stride, .padding = options_.padding};
  if (options_.bias) return ad::conv2d(x, tape.param(weight_), tape.param(bias_), conv);
  return ad::conv2d(x, tape.param(weight_), conv);
}

// ---- parameterless layers ---------------------------------------------------------------------

template <typename T>
MaxPool2D<T>::MaxPool2D(ad::Pool2dOptions options) : options_(options) {
  require(options.kernel >= 1 && options.stride >= 1, "MaxPool2D",
          "kernel and stride must be at least 1");
}

template <typename T>
ad::Var<T> MaxPool2D<T>::forward(ad::Var<T> x) {
  return ad::max_pool2d(x, options_);
}

template <typename T>
ad::Var<T> ReLU<T>::forward(ad::Var<T> x) {
  return ad::relu(x);
}

template <typename T>
ad::Var<T> Flatten<T>::forward(ad::Var<T> x) {
  return ad::flatten(x);
}

template <typename T>
Dropout<T>::Dropout(double keep_prob, std::uint64_t seed) : keep_prob_(keep_prob), seed_(seed) {
  require(keep_prob > 0 && keep_prob <= 1, "Dropout",
          "keep_prob must be in (0, 1], got " + std::to_string(keep_prob));
}

template <typename T>
void Dropout<T>::set_seed(std::uint64_t seed) {
  seed_ = seed;
  calls_ = 0;
}

template <typename T>
ad::Var<T> Dropout<T>::forward(ad::Var<T> x) {
  if (!this->training()) return x;
  return ad::dropout(x, static_cast<T>(keep_prob_), derive_seed(seed_, calls_++), true);
}

// ---- Dense ------------------------------------------------------------------------------------

template <typename T>
Dense<T>::Dense(DenseOptions options)
    : options_(options), weight_(ad::Tensor<T>()), bias_(ad::Tensor<T>()) {
  reset_parameters();
  this->register_parameter("weight", weight_);
  if (options_.bias) this->register_parameter("bias", bias_);
}

template <typename T>
std::string Dense<T>::describe() const {
  return "Dense(" + std::to_string(options_.in) + "->" + std::to_string(options_.out) + ")";
}

template <typename T>
void Dense<T>::reset_parameters() {
  const auto& o = options_;
  require(o.in >= 1 && o.out >= 1, "Dense", "in and out must be at least 1");
  require_init("Dense", o.init_std, o.bias_init);
  weight_.value() = ad::Tensor<T>({o.in, o.out});
  fill_truncated_normal(weight_.value(), o.init_std, o.seed);
  bias_.value() = o.bias ? ad::Tensor<T>({o.out}, static_cast<T>(o.bias_init)) : ad::Tensor<T>();
  weight_.zero_grad();
  bias_.zero_grad();
}

template <typename T>
ad::Var<T> Dense<T>::forward(ad::Var<T> x) {
  // x[N,in] · W[in,out] + b[out] -> y[N,out]
  check_dense_input(x.shape(), options_.in, describe());
  auto& tape = x.tape();
  ad::Var<T> y = ad::matmul(x, tape.param(weight_));
  return options_.bias ? ad::add_bias(y, tape.param(bias_)) : y;
}

// ---- OverparamDense ---------------------------------------------------------------------------

template <typename T>
OverparamDense<T>::OverparamDense(OverparamDenseOptions options)
    : options_(options),
      weight1_(ad::Tensor<T>()),
      weight2_(ad::Tensor<T>()),
      bias_(ad::Tensor<T>()) {
  reset_parameters();
  this->register_parameter("weight1", weight1_);
  this->register_parameter("weight2", weight2_);
  if (options_.bias) this->register_parameter("bias", bias_);
}

template <typename T>
std::string OverparamDense<T>::describe() const {
  return "OverparamDense(" + std::to_string(options_.in) + "->" + std::to_string(options_.hidden) +
         "->" + std::to_string(options_.out) + ")";
}

template <typename T>
void OverparamDense<T>::reset_parameters() {
  const auto& o = options_;
  require(o.in >= 1 && o.hidden >= 1 && o.out >= 1, "OverparamDense",
          "in, hidden and out must be at least 1");
  require_init("OverparamDense", o.init_std, o.bias_init);
  weight1_.value() = ad::Tensor<T>({o.in, o.hidden});
  weight2_.value() = ad::Tensor<T>({o.hidden, o.out});
  fill_truncated_normal(weight1_.value(), o.init_std, derive_seed(o.seed, 1));
  fill_truncated_normal(weight2_.value(), o.init_std, derive_seed(o.seed, 2));
  bias_.value() = o.bias ? ad::Tensor<T>({o.out}, static_cast<T>(o.bias_init)) : ad::Tensor<T>();
  weight1_.zero_grad();
  weight2_.zero_grad();
  bias_.zero_grad();
}

template <typename T>
bool OverparamDense<T>::factors_first(std::size_t rows) const {
  const double n = double(rows), in = double(options_.in), h = double(options_.hidden),
               out = double(options_.out);
  return n * in * h + n * h * out <= in * h * out + n * in * out;
}

template <typename T>
std::string OverparamDense<T>::order(std::size_t rows) const {
  return factors_first(rows) ? "(x·W1)·W2" : "x·(W1·W2)";
}

template <typename T>
ad::Var<T> OverparamDense<T>::forward(ad::Var<T> x) {
  // x[N,in] · W1[in,hidden] · W2[hidden,out] + b[out] -> y[N,out]
  check_dense_input(x.shape(), options_.in, describe());
  auto& tape = x.tape();
  const ad::Var<T> w1 = tape.param(weight1_), w2 = tape.param(weight2_);
  ad::Var<T> y = factors_first(x.shape()[0]) ? ad::matmul(ad::matmul(x, w1), w2)
                                             : ad::matmul(x, ad::matmul(w1, w2));
  return options_.bias ? ad::add_bias(y, tape.param(bias_)) : y;
}

template <typename T>
ad::Tensor<T> OverparamDense<T>::product() const {
  const auto& o = options_;
  auto p = ad::Tensor<T>::uninitialized({o.in, o.out});
  ad::blas::gemm(ad::Transpose::no, ad::Transpose::no, o.in, o.out, o.hidden, T{1},
                 weight1_.value().data(), weight2_.value().data(), T{0}, p.data());
  return p;
}

template <typename T>
ad::Var<T> OverparamDense<T>::product_sum_squares(ad::Tape<T>& tape) {
  // The leaves in two statements, W1 first (the order of a call's arguments is unspecified).
  const ad::Var<T> w1 = tape.param(weight1_);
  const ad::Var<T> w2 = tape.param(weight2_);
  return ad::product_sum_squares(w1, w2);
}

// ---- Sequential -------------------------------------------------------------------------------

template <typename T>
Module<T>& Sequential<T>::append(std::string name, std::unique_ptr<Module<T>> module) {
  if (name.empty()) throw std::invalid_argument("Sequential: a child needs a name");
  if (module == nullptr) throw std::invalid_argument("Sequential: child '" + name + "' is null");
  for (const auto& [existing, child] : children_) {
    if (existing == name) {
      throw std::invalid_argument("Sequential: the name '" + name +
                                  "' is already taken by an earlier child");
    }
  }
  Module<T>& ref = *module;
  this->register_module(name, ref);
  ref.train(this->training());
  children_.emplace_back(std::move(name), std::move(module));
  return ref;
}

template <typename T>
ad::Var<T> Sequential<T>::forward(ad::Var<T> x) {
  if (children_.empty()) {
    throw std::logic_error("Sequential: forward() on an empty Sequential; append modules first");
  }
  for (auto& [name, child] : children_) x = child->forward(x);
  return x;
}

template <typename T>
Module<T>& Sequential<T>::at(const std::string& name) {
  std::string names;
  for (auto& [n, child] : children_) {
    if (n == name) return *child;
    names += (names.empty() ? "" : ", ") + n;
  }
  throw std::out_of_range("Sequential: no child called '" + name + "' (children: " + names + ")");
}

#define OVERPARAM_INSTANTIATE(T)                                              \
  template void fill_truncated_normal(ad::Tensor<T>&, double, std::uint64_t); \
  template class Conv2D<T>;                                                   \
  template class MaxPool2D<T>;                                                \
  template class ReLU<T>;                                                     \
  template class Flatten<T>;                                                  \
  template class Dropout<T>;                                                  \
  template class Dense<T>;                                                    \
  template class OverparamDense<T>;                                           \
  template class Sequential<T>;
OVERPARAM_INSTANTIATE(float)
OVERPARAM_INSTANTIATE(double)
#undef OVERPARAM_INSTANTIATE

}  // namespace nn
