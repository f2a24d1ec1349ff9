#include "experiments/tape/examples.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "nn/deep_linear.hpp"
#include "nn/losses.hpp"

namespace experiments {

const std::vector<std::string>& tape_example_names() {
  static const std::vector<std::string> names = {"mlp", "linear", "conv", "scalar"};
  return names;
}

namespace {

using Tensor = ad::Tensor<double>;
using Param = ad::Parameter<double>;

Tensor random_tensor(ad::Shape shape, std::mt19937_64& rng, double std) {
  std::normal_distribution<double> normal(0.0, std);
  Tensor t(shape);
  for (double& v : t) v = normal(rng);
  return t;
}

double norm(const Tensor& t) {
  double s = 0;
  for (double v : t) s += v * v;
  return std::sqrt(s);
}

// The tape's nodes and edges, read through its view of them (Tape::node).
TapeGraph tape_graph(const ad::Tape<double>& tape) {
  TapeGraph g;
  for (std::size_t i = 0; i < tape.size(); ++i) {
    const ad::NodeInfo<double> info = tape.node(i);
    TapeGraph::Node n;
    n.index = int(i);
    n.name = info.name;
    n.op = info.op;
    n.shape = info.shape().str();
    n.leaf = info.is_leaf();
    n.parameter = info.parameter;
    n.value = ad::summarize(*info.value);
    if (info.grad != nullptr) n.grad = ad::summarize(*info.grad);
    for (std::size_t input : info.inputs) {
      n.inputs.push_back(int(input));
      g.edges.emplace_back(int(input), int(i));
    }
    g.nodes.push_back(std::move(n));
  }
  return g;
}

// Runs backward from `loss` and packs what the command shows: the loss, the DOT and the nodes,
// and the name, shape and gradient norm of each parameter.
TapeExample finish_example(std::string name, std::string description, ad::Tape<double>& tape,
                           ad::Var<double> loss, const std::vector<Param*>& params) {
  tape.backward(loss);
  TapeExample ex;
  ex.name = std::move(name);
  ex.description = std::move(description);
  ex.loss = loss.value().item();
  ex.dot = tape.to_dot();
  ex.dot_values = tape.to_dot(true);
  ex.graph = tape_graph(tape);
  for (const Param* p : params) {
    ex.gradients.push_back({p->name(), p->shape().str(), p->has_grad() ? norm(p->grad()) : 0.0});
  }
  return ex;
}

// docs/TUTORIAL.md's section 1: x[2,1] -> x·W1ᵀ -> ·W2ᵀ (both [1,1]) -> l_4 loss against y[2,1],
// recorded in the order of the tutorial's tables.
TapeExample record_scalar() {
  Param w1(Tensor({1, 1}, {0.5}), "W1"), w2(Tensor({1, 1}, {1.5}), "W2");
  const Tensor x({2, 1}, {1.0, 2.0}), y({2, 1}, {2.0, 1.0});

  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto yv = tape.input(y, "y");
  auto a = tape.param(w1);
  auto b = tape.param(w2);
  auto h = ad::matmul(xv, a, ad::Transpose::no, ad::Transpose::yes);
  auto yhat = ad::matmul(h, b, ad::Transpose::no, ad::Transpose::yes);
  auto loss = nn::lp_loss(yhat, yv, 4);
  return finish_example("scalar",
                        "the tutorial's depth-2 scalar network, yhat = w2 w1 x with w1 = 0.5, "
                        "w2 = 1.5, on x = (1, 2), y = (2, 1), with the l_4 loss",
                        tape, loss, {&w1, &w2});
}

// x[5,4] -> relu(x·W1ᵀ + b1)[5,8] -> ·W2ᵀ + b2 -> logits[5,3] -> softmax cross-entropy.
TapeExample record_mlp() {
  std::mt19937_64 rng(7);
  const Tensor x = random_tensor({5, 4}, rng, 1.0);
  const std::vector<int> labels = {0, 2, 1, 2, 0};
  Param w1(random_tensor({8, 4}, rng, 0.5), "W1"), b1(random_tensor({8}, rng, 0.1), "b1");
  Param w2(random_tensor({3, 8}, rng, 0.5), "W2"), b2(random_tensor({3}, rng, 0.1), "b2");

  // Leaves first, one statement each, so the tape's order reads like the code (the order in
  // which C++ evaluates the arguments of one call is unspecified).
  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto w1v = tape.param(w1);
  auto b1v = tape.param(b1);
  auto w2v = tape.param(w2);
  auto b2v = tape.param(b2);
  auto h = ad::relu(ad::add_bias(ad::matmul(xv, w1v, ad::Transpose::no, ad::Transpose::yes), b1v));
  auto logits = ad::add_bias(ad::matmul(h, w2v, ad::Transpose::no, ad::Transpose::yes), b2v);
  auto loss = ad::softmax_cross_entropy(logits, labels);
  return finish_example(
      "mlp",
      "a two-layer ReLU network: x[5,4] -> relu(x W1^T + b1)[5,8] -> logits[5,3], "
      "softmax cross-entropy against 5 labels",
      tape, loss, {&w1, &b1, &w2, &b2});
}

// x[6,4] -> W3 W2 W1 x (a depth-3 linear network, width 3) -> l_4 loss against y[6,1].
TapeExample record_linear() {
  std::mt19937_64 rng(11);
  const Tensor x = random_tensor({6, 4}, rng, 1.0);
  const Tensor y = random_tensor({6, 1}, rng, 1.0);
  nn::DeepLinearOptions o;
  o.input_dim = 4;
  o.output_dim = 1;
  o.depth = 3;
  o.width = 3;
  o.init = nn::Init::normal;
  o.init_std = 0.5;
  o.seed = 3;
  nn::DeepLinear<double> net(o);

  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto yv = tape.input(y, "y");
  auto loss = nn::lp_loss(net.forward(xv), yv, 4);
  return finish_example(
      "linear",
      "a depth-3 linear network (nn::DeepLinear, width 3), x[6,4] -> W3 W2 W1 x, with the l_4 "
      "loss; multiplied in the order " +
          net.chain_order(6),
      tape, loss, net.parameters());
}

// x[2,1,6,6] -> conv2d 3x3 (2 filters) -> relu -> max_pool2d 2x2 -> flatten[2,8] -> dense[2,3].
TapeExample record_conv() {
  std::mt19937_64 rng(5);
  const Tensor x = random_tensor({2, 1, 6, 6}, rng, 1.0);
  const std::vector<int> labels = {1, 2};
  Param k(random_tensor({2, 1, 3, 3}, rng, 0.5), "K"), kb(random_tensor({2}, rng, 0.1), "kb");
  Param w(random_tensor({3, 8}, rng, 0.5), "W"), b(random_tensor({3}, rng, 0.1), "b");

  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto kv = tape.param(k);
  auto kbv = tape.param(kb);
  auto wv = tape.param(w);
  auto bv = tape.param(b);
  auto features = ad::flatten(ad::max_pool2d(ad::relu(ad::conv2d(xv, kv, kbv)), {}));
  auto logits = ad::add_bias(ad::matmul(features, wv, ad::Transpose::no, ad::Transpose::yes), bv);
  auto loss = ad::softmax_cross_entropy(logits, labels);
  return finish_example(
      "conv",
      "a tiny convnet: x[2,1,6,6] -> conv2d 3x3, 2 filters -> relu -> max_pool2d 2x2 -> "
      "flatten (recorded as a reshape) [2,8] -> dense[2,3], softmax cross-entropy",
      tape, loss, {&k, &kb, &w, &b});
}
}  // namespace

TapeExample record_tape_example(const std::string& name) {
  if (name == "scalar") return record_scalar();
  if (name == "mlp") return record_mlp();
  if (name == "linear") return record_linear();
  if (name == "conv") return record_conv();
  throw std::invalid_argument("--example must be mlp, linear, conv or scalar, not '" + name + "'");
}

}  // namespace experiments
