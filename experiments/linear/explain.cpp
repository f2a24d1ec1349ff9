#include "experiments/linear/explain.hpp"

#include <cmath>

#include "autodiff/autodiff.hpp"
#include "nn/losses.hpp"
#include "optim/e2e.hpp"

namespace experiments {

namespace {

double norm(const ad::Tensor<double>& t) {
  double s = 0;
  for (double v : t) s += v * v;
  return std::sqrt(s);
}

std::vector<double> head(const ad::Tensor<double>& t, std::size_t n = 4) {
  return {t.begin(), t.begin() + static_cast<long>(std::min(n, t.size()))};
}

// AᵀA - B Bᵀ for A = W_{j+1} [out,w], B = W_j [w,in]: both [w,w].
double gap(const ad::Tensor<double>& next, const ad::Tensor<double>& prev) {
  const std::size_t w = prev.rows();
  double s = 0;
  for (std::size_t a = 0; a < w; ++a)
    for (std::size_t b = 0; b < w; ++b) {
      double v = 0;
      for (std::size_t r = 0; r < next.rows(); ++r) v += next.at(r, a) * next.at(r, b);
      for (std::size_t c = 0; c < prev.cols(); ++c) v -= prev.at(a, c) * prev.at(b, c);
      s += v * v;
    }
  return std::sqrt(s);
}

}  // namespace

template <typename T>
double balancedness_gap(const nn::DeepLinear<T>& net) {
  double worst = 0;
  for (std::size_t j = 0; j + 1 < net.depth(); ++j) {
    worst = std::max(worst, gap(net.layer(j + 1).value().template cast<double>(),
                                net.layer(j).value().template cast<double>()));
  }
  return worst;
}

template <typename T>
StepExplainer<T>::StepExplainer(nn::DeepLinear<T>& net, const ad::Tensor<T>& x,
                                const ad::Tensor<T>& y, int p, double loss_factor, double lr,
                                double weight_decay, bool predict)
    : net_(net),
      x_(x),
      y_(y),
      p_(p),
      loss_factor_(loss_factor),
      lr_(lr),
      weight_decay_(weight_decay),
      predict_(predict) {}

template <typename T>
void StepExplainer<T>::before(std::size_t iteration, double loss) {
  step_ = ExplainStep{};
  step_.iteration = iteration;
  step_.depth = net_.depth();
  step_.loss = loss;
  step_.predicted = predict_;
  step_.balancedness_gap = balancedness_gap(net_);

  // G = dL/dW at the end-to-end matrix: one pass of the loss as a function of W alone.
  ad::Parameter<T> w(net_.end_to_end(), "W");
  {
    ad::Tape<T> tape;
    auto yhat = ad::matmul(tape.input(x_), tape.param(w), ad::Transpose::no, ad::Transpose::yes);
    tape.backward(ad::scale(nn::lp_loss(yhat, tape.input(y_), p_), static_cast<T>(loss_factor_)));
  }
  w_before_ = w.value().template cast<double>();
  const ad::Tensor<double> g = w.grad().template cast<double>();
  step_.w_norm = norm(w_before_);
  step_.g_norm = norm(g);
  step_.g_head = head(g);

  const double n = double(net_.depth());
  predicted_change_ = optim::e2e_update_general(w_before_, g, int(net_.depth()));
  for (std::size_t i = 0; i < predicted_change_.size(); ++i) {
    predicted_change_[i] = -lr_ * predicted_change_[i] - lr_ * weight_decay_ * n * w_before_[i];
  }
  step_.predicted_norm = norm(predicted_change_);
  step_.predicted_head = head(predicted_change_);

  if (w_before_.rows() == 1) {
    step_.single_output = true;
    step_.factor = std::pow(step_.w_norm, 2.0 - 2.0 / n);
    double dot = 0;
    for (std::size_t i = 0; i < g.size(); ++i) dot += g[i] * w_before_[i];
    step_.g_along_w = step_.w_norm > 0 ? dot / step_.w_norm : 0;
    step_.projection_norm = (n - 1) * std::abs(step_.g_along_w);
  }
}

template <typename T>
ExplainStep StepExplainer<T>::after() {
  const ad::Tensor<double> w_after = net_.end_to_end().template cast<double>();
  ad::Tensor<double> actual = w_after;
  for (std::size_t i = 0; i < actual.size(); ++i) actual[i] -= w_before_[i];
  step_.actual_norm = norm(actual);
  step_.actual_head = head(actual);
  double diff = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double d = actual[i] - predicted_change_[i];
    diff += d * d;
  }
  step_.relative_difference =
      step_.predicted_norm > 0 ? std::sqrt(diff) / step_.predicted_norm : std::sqrt(diff);
  return step_;
}

namespace {
void print_head(std::FILE* out, const std::vector<double>& v, std::size_t total) {
  std::fprintf(out, "[");
  for (std::size_t i = 0; i < v.size(); ++i) std::fprintf(out, "%s% .3e", i ? ", " : "", v[i]);
  std::fprintf(out, "%s]", total > v.size() ? ", ..." : "");
}
}  // namespace

void print_explain(std::FILE* out, const ExplainStep& s) {
  const auto total = static_cast<std::size_t>(-1);
  std::fprintf(out, "iteration %zu   loss %.6e\n", s.iteration, s.loss);
  if (s.depth == 1)  // a single layer is its own end-to-end matrix
    std::fprintf(out, "  end-to-end matrix W = W_1               ||W||  = %.4e\n", s.w_norm);
  else
    std::fprintf(out, "  end-to-end matrix W = W_%zu ··· W_1       ||W||  = %.4e\n", s.depth,
                 s.w_norm);
  std::fprintf(out, "  gradient G = dL/dW                     ||G||  = %.4e   G = ", s.g_norm);
  print_head(out, s.g_head, total);
  std::fprintf(out, "\n");
  if (s.single_output) {
    std::fprintf(out, "  end-to-end rule, N = %zu:\n", s.depth);
    std::fprintf(out, "    adaptive factor ||W||^(2-2/N)                = %.4e\n", s.factor);
    std::fprintf(out, "    <G, u> with u = W/||W||                      = %.4e\n", s.g_along_w);
    std::fprintf(out, "    ||(N-1) <G,u> u||  (the term along W itself) = %.4e\n",
                 s.projection_norm);
  }
  if (s.predicted) {
    std::fprintf(out, "  predicted change  ΔW_rule                ||.||  = %.4e   ",
                 s.predicted_norm);
    print_head(out, s.predicted_head, total);
    std::fprintf(out, "\n  actual change of the network's W        ||.||  = %.4e   ",
                 s.actual_norm);
    print_head(out, s.actual_head, total);
    std::fprintf(out, "\n  relative difference ||actual - rule|| / ||rule|| = %.3e\n",
                 s.relative_difference);
  } else {
    std::fprintf(out, "  actual change of the network's W        ||.||  = %.4e   ", s.actual_norm);
    print_head(out, s.actual_head, total);
    std::fprintf(out,
                 "\n  (the end-to-end rule describes gradient descent; no prediction for this "
                 "optimizer)\n");
  }
  if (s.depth > 1) {
    std::fprintf(out, "  balancedness gap max_j ||W_{j+1}ᵀW_{j+1} - W_j W_jᵀ|| = %.3e\n",
                 s.balancedness_gap);
  }
  std::fprintf(out, "\n");
}

template class StepExplainer<float>;
template class StepExplainer<double>;
template double balancedness_gap(const nn::DeepLinear<float>&);
template double balancedness_gap(const nn::DeepLinear<double>&);

}  // namespace experiments
