#include "nn/deep_linear.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>

#include "autodiff/blas.hpp"
#include "autodiff/linalg.hpp"
#include "autodiff/matmul.hpp"

namespace nn {

Init parse_init(const std::string& name) {
  if (name == "normal") return Init::normal;
  if (name == "identity") return Init::identity;
  if (name == "balanced") return Init::balanced;
  throw std::invalid_argument("unknown init '" + name + "'; expected normal, identity or balanced");
}

const char* init_name(Init init) {
  switch (init) {
    case Init::normal:
      return "normal";
    case Init::identity:
      return "identity";
    case Init::balanced:
      return "balanced";
  }
  return "?";
}

namespace {

// Shape [out, in] of layer j (0-based) of a depth-N network.
ad::Shape layer_shape(const DeepLinearOptions& o, std::size_t j) {
  const std::size_t n = o.depth;
  const std::size_t in = j == 0 ? o.input_dim : o.width;
  const std::size_t out = j + 1 == n ? o.output_dim : o.width;
  return {out, in};
}

void fill_normal(ad::Tensor<double>& t, double std, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, std);
  for (double& v : t) v = normal(rng);
}

// r orthonormal columns in R^w (r <= w): Gram-Schmidt, twice for accuracy, on Gaussian vectors.
ad::Tensor<double> random_orthonormal_columns(std::size_t w, std::size_t r, std::mt19937_64& rng) {
  ad::Tensor<double> a({w, r});
  fill_normal(a, 1.0, rng);
  for (std::size_t c = 0; c < r; ++c) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t prev = 0; prev < c; ++prev) {
        double dot = 0;
        for (std::size_t i = 0; i < w; ++i) dot += a.at(i, c) * a.at(i, prev);
        for (std::size_t i = 0; i < w; ++i) a.at(i, c) -= dot * a.at(i, prev);
      }
    }
    double norm = 0;
    for (std::size_t i = 0; i < w; ++i) norm += a.at(i, c) * a.at(i, c);
    norm = std::sqrt(norm);
    for (std::size_t i = 0; i < w; ++i) a.at(i, c) /= norm;
  }
  return a;
}

}  // namespace

template <typename T>
DeepLinear<T>::DeepLinear(DeepLinearOptions o) : options_(o) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("DeepLinear: " + why); };
  if (o.depth < 1 || o.depth > max_depth)
    fail("depth must be between 1 and 16, got " + std::to_string(o.depth));
  if (o.input_dim < 1 || o.output_dim < 1 || o.width < 1)
    fail("input, output and width must be at least 1");
  if (!(o.init_std > 0) || !std::isfinite(o.init_std))
    fail("init std must be a positive number, got " + std::to_string(o.init_std));
  double count = 0;
  for (std::size_t j = 0; j < o.depth; ++j) count += double(layer_shape(o, j).size());
  if (count > double(1 << 28)) {
    fail("the layers would hold " + std::to_string(static_cast<long long>(count)) +
         " parameters (more than 2^28); choose a smaller width or depth");
  }
  layers_.reserve(o.depth);  // registered by address below: never reallocated after this
  for (std::size_t j = 0; j < o.depth; ++j) {
    layers_.emplace_back(ad::Tensor<T>(layer_shape(o, j)));
    this->register_parameter("W" + std::to_string(j + 1), layers_.back());
  }
  reset_parameters();
}

template <typename T>
void DeepLinear<T>::reset_parameters() {
  const DeepLinearOptions& o = options_;
  const std::size_t n = o.depth;
  std::mt19937_64 rng(o.seed);
  std::vector<ad::Tensor<double>> w;
  for (std::size_t j = 0; j < n; ++j) w.emplace_back(layer_shape(o, j));

  switch (o.init) {
    case Init::normal:
      for (auto& layer : w) fill_normal(layer, o.init_std, rng);
      break;
    case Init::identity:
      fill_normal(w[0], o.init_std, rng);
      for (std::size_t j = 1; j < n; ++j)
        for (std::size_t i = 0; i < std::min(w[j].rows(), w[j].cols()); ++i) w[j].at(i, i) = 1;
      break;
    case Init::balanced: {
      ad::Tensor<double> we({o.output_dim, o.input_dim});
      fill_normal(we, o.init_std, rng);
      if (n == 1) {
        w[0] = we;
        break;
      }
      const ad::Svd<double> f = ad::svd(we);  // we = U diag(s) Vᵀ
      const std::size_t r = std::min(f.s.size(), o.width);
      std::vector<double> root(r);  // σ_i^(1/N)
      for (std::size_t i = 0; i < r; ++i) root[i] = std::pow(f.s[i], 1.0 / double(n));
      // a[j] = A_{j+1} [w,r] for j = 1..N-1 (the hidden spaces between layers j and j+1).
      std::vector<ad::Tensor<double>> a(n);
      for (std::size_t j = 1; j < n; ++j) a[j] = random_orthonormal_columns(o.width, r, rng);
      // W_1 = A_2 Σ^(1/N) Vᵀ: sum over i of root_i · a[1][:,i] ⊗ (row i of Vᵀ).
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t p = 0; p < o.width; ++p)
          for (std::size_t q = 0; q < o.input_dim; ++q)
            w[0].at(p, q) += root[i] * a[1].at(p, i) * f.vt.at(i, q);
      // W_j = A_{j+1} Σ^(1/N) A_jᵀ for the middle layers.
      for (std::size_t j = 1; j + 1 < n; ++j)
        for (std::size_t i = 0; i < r; ++i)
          for (std::size_t p = 0; p < o.width; ++p)
            for (std::size_t q = 0; q < o.width; ++q)
              w[j].at(p, q) += root[i] * a[j + 1].at(p, i) * a[j].at(q, i);
      // W_N = U Σ^(1/N) A_Nᵀ.
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t p = 0; p < o.output_dim; ++p)
          for (std::size_t q = 0; q < o.width; ++q)
            w[n - 1].at(p, q) += root[i] * f.u.at(p, i) * a[n - 1].at(q, i);
      break;
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    layers_[j].value() = w[j].template cast<T>();
    layers_[j].zero_grad();
  }
}

// ---- the multiplication order ----------------------------------------------------------------

// Factors: F_0 = X [m,d], F_j = W_jᵀ [in_j, out_j]. dims[i] x dims[i+1] is the shape of F_i.
// cost[i][j] = fewest multiply-adds for F_i ··· F_j; split[i][j] = where that product splits.
template <typename T>
struct DeepLinear<T>::Chain {
  std::vector<double> dims;
  std::vector<std::vector<double>> cost;
  std::vector<std::vector<std::size_t>> split;
};

template <typename T>
typename DeepLinear<T>::Chain DeepLinear<T>::plan(std::size_t rows) const {
  const std::size_t count = layers_.size() + 1;
  Chain c;
  c.dims.push_back(double(rows));
  c.dims.push_back(double(options_.input_dim));
  for (const auto& w : layers_) c.dims.push_back(double(w.value().rows()));
  c.cost.assign(count, std::vector<double>(count, 0.0));
  c.split.assign(count, std::vector<std::size_t>(count, 0));
  for (std::size_t len = 2; len <= count; ++len) {
    for (std::size_t i = 0; i + len <= count; ++i) {
      const std::size_t j = i + len - 1;
      c.cost[i][j] = std::numeric_limits<double>::infinity();
      for (std::size_t s = i; s < j; ++s) {
        const double cost =
            c.cost[i][s] + c.cost[s + 1][j] + c.dims[i] * c.dims[s + 1] * c.dims[j + 1];
        if (cost < c.cost[i][j]) {
          c.cost[i][j] = cost;
          c.split[i][j] = s;
        }
      }
    }
  }
  return c;
}

template <typename T>
std::string DeepLinear<T>::chain_order(std::size_t rows) const {
  const Chain c = plan(rows);
  std::function<std::string(std::size_t, std::size_t)> show = [&](std::size_t i, std::size_t j) {
    if (i == j) return i == 0 ? std::string("X") : "W" + std::to_string(i) + "ᵀ";
    const std::size_t s = c.split[i][j];
    return "(" + show(i, s) + "·" + show(s + 1, j) + ")";
  };
  return show(0, layers_.size());
}

template <typename T>
ad::Var<T> DeepLinear<T>::forward(ad::Var<T> x) {
  const ad::Shape& xs = x.shape();
  if (xs.rank() != 2 || xs[1] != options_.input_dim) {
    throw std::invalid_argument("DeepLinear: input is " + xs.str() + ", expected [m," +
                                std::to_string(options_.input_dim) + "]");
  }
  const Chain c = plan(xs[0]);
  ad::Tape<T>& tape = x.tape();
  // A factor on the tape, and whether matmul must read it transposed (the layers are).
  struct Factor {
    ad::Var<T> var;
    ad::Transpose t;
  };
  std::function<Factor(std::size_t, std::size_t)> product = [&](std::size_t i,
                                                                std::size_t j) -> Factor {
    if (i == j) {
      if (i == 0) return {x, ad::Transpose::no};
      return {tape.param(layers_[i - 1]), ad::Transpose::yes};
    }
    const std::size_t s = c.split[i][j];
    const Factor left = product(i, s);
    const Factor right = product(s + 1, j);
    return {ad::matmul(left.var, right.var, left.t, right.t), ad::Transpose::no};
  };
  return product(0, layers_.size()).var;
}

template <typename T>
ad::Tensor<T> DeepLinear<T>::end_to_end() const {
  ad::Tensor<T> e = layers_[0].value();
  for (std::size_t j = 1; j < layers_.size(); ++j) {
    const ad::Tensor<T>& w = layers_[j].value();
    ad::Tensor<T> next({w.rows(), e.cols()});
    ad::blas::gemm(ad::Transpose::no, ad::Transpose::no, w.rows(), e.cols(), w.cols(), T{1},
                   w.data(), e.data(), T{0}, next.data());
    e = std::move(next);
  }
  return e;
}

template <typename T>
ad::Var<T> DeepLinear<T>::record_end_to_end(ad::Tape<T>& tape) {
  ad::Var<T> e = tape.param(layers_.back());
  for (std::size_t j = layers_.size() - 1; j-- > 0;) e = ad::matmul(e, tape.param(layers_[j]));
  return e;
}

template class DeepLinear<float>;
template class DeepLinear<double>;

}  // namespace nn
