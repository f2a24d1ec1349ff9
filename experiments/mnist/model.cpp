#include "experiments/mnist/model.hpp"

#include <stdexcept>

#include "autodiff/autodiff.hpp"

namespace experiments {

MnistVariant parse_mnist_variant(const std::string& name) {
  if (name == "original") return MnistVariant::original;
  if (name == "overparam") return MnistVariant::overparam;
  throw std::invalid_argument("--variant must be original or overparam, not '" + name + "'");
}

L2On parse_l2_on(const std::string& name) {
  if (name == "product") return L2On::product;
  if (name == "factors") return L2On::factors;
  throw std::invalid_argument("--l2-on must be product or factors, not '" + name + "'");
}

const char* to_string(MnistVariant variant) {
  return variant == MnistVariant::original ? "original" : "overparam";
}

const char* to_string(L2On l2_on) {
  return l2_on == L2On::product ? "product" : "factors";
}

// ---- the model --------------------------------------------------------------------------------

MnistModel::MnistModel(MnistVariant variant, std::uint64_t seed) : variant_(variant) {
  using nn::derive_seed;
  net_.emplace<nn::Conv2D<float>>("conv1", nn::Conv2DOptions{.in_channels = 1,
                                                             .out_channels = 32,
                                                             .kernel = 5,
                                                             .bias_init = 0.0,
                                                             .seed = derive_seed(seed, 1)});
  // Pooling before the ReLU: max and ReLU commute (both are monotone), so the function and its
  // gradient are the tutorial's, and the ReLU runs on a quarter of the values.
  net_.emplace<nn::MaxPool2D<float>>("pool1");
  net_.emplace<nn::ReLU<float>>("relu1");
  net_.emplace<nn::Conv2D<float>>("conv2", nn::Conv2DOptions{.in_channels = 32,
                                                             .out_channels = 64,
                                                             .kernel = 5,
                                                             .bias_init = 0.1,
                                                             .seed = derive_seed(seed, 2)});
  net_.emplace<nn::MaxPool2D<float>>("pool2");
  net_.emplace<nn::ReLU<float>>("relu2");
  net_.emplace<nn::Flatten<float>>("flatten");
  const std::size_t features = 64 * 7 * 7;
  if (variant == MnistVariant::original) {
    dense_.push_back(&net_.emplace<nn::Dense<float>>(
        "fc1", nn::DenseOptions{.in = features, .out = 512, .seed = derive_seed(seed, 3)}));
  } else {
    overparam_.push_back(&net_.emplace<nn::OverparamDense<float>>(
        "fc1", nn::OverparamDenseOptions{
                   .in = features, .hidden = 512, .out = 512, .seed = derive_seed(seed, 3)}));
  }
  net_.emplace<nn::ReLU<float>>("relu3");
  dropout_ = &net_.emplace<nn::Dropout<float>>("dropout", 0.5, derive_seed(seed, 5));
  if (variant == MnistVariant::original) {
    dense_.push_back(&net_.emplace<nn::Dense<float>>(
        "fc2", nn::DenseOptions{.in = 512, .out = 10, .seed = derive_seed(seed, 4)}));
  } else {
    overparam_.push_back(&net_.emplace<nn::OverparamDense<float>>(
        "fc2", nn::OverparamDenseOptions{
                   .in = 512, .hidden = 10, .out = 10, .seed = derive_seed(seed, 4)}));
  }
}

ad::Var<float> MnistModel::l2(ad::Tape<float>& tape, L2On l2_on) {
  // sum of ||x||² over the terms, halved once at the end: l2(x) = sum(x²)/2.
  std::vector<ad::Var<float>> terms;
  for (auto* d : dense_) {
    terms.push_back(ad::sum_squares(tape.param(d->weight())));
    terms.push_back(ad::sum_squares(tape.param(d->bias())));
  }
  for (auto* d : overparam_) {
    if (l2_on == L2On::product) {
      terms.push_back(d->product_sum_squares(tape));
    } else {
      terms.push_back(ad::sum_squares(tape.param(d->weight1())));
      terms.push_back(ad::sum_squares(tape.param(d->weight2())));
    }
    terms.push_back(ad::sum_squares(tape.param(d->bias())));
  }
  ad::Var<float> total = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return 0.5f * total;
}

}  // namespace experiments
