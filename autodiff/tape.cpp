#include "autodiff/tape.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ad {

// ---- Parameter ----------------------------------------------------------------------------

template <typename T>
const Tensor<T>& Parameter<T>::grad() const {
  if (!has_grad_) {
    throw std::logic_error("Parameter '" + name_ + "' " + value_.shape().str() +
                           " has no gradient yet: run tape.backward() on an output that "
                           "depends on it (was zero_grad() called after the last backward?)");
  }
  return grad_;
}

template <typename T>
Tensor<T>& Parameter<T>::grad_accumulator() {
  if (!has_grad_) {
    if (grad_.shape() != value_.shape())
      grad_ = Tensor<T>(value_.shape());
    else
      grad_.fill(T{0});
    has_grad_ = true;
  }
  return grad_;
}

template <typename T>
Tensor<T>& Parameter<T>::grad_accumulator(T& beta) {
  beta = has_grad_ ? T{1} : T{0};
  if (!has_grad_) {
    if (grad_.shape() != value_.shape()) grad_ = Tensor<T>::uninitialized(value_.shape());
    has_grad_ = true;
  }
  return grad_;
}

// ---- NoGradGuard --------------------------------------------------------------------------

namespace {
thread_local bool grad_mode_enabled = true;
}

NoGradGuard::NoGradGuard() : previous_(grad_mode_enabled) {
  grad_mode_enabled = false;
}
NoGradGuard::~NoGradGuard() {
  grad_mode_enabled = previous_;
}
bool NoGradGuard::grad_enabled() {
  return grad_mode_enabled;
}

// ---- Var ----------------------------------------------------------------------------------

template <typename T>
Tape<T>& Var<T>::checked_tape(const char* what) const {
  if (tape_ == nullptr)
    throw std::logic_error(std::string(what) + ": an empty Var (default-constructed), of no tape");
  return *tape_;
}

template <typename T>
const Tensor<T>& Var<T>::value() const {
  const auto& n = checked_tape("Var::value").node(*this, "Var::value");
  return tape_->value_of(n);
}

template <typename T>
const Tensor<T>& Var<T>::grad() const {
  return checked_tape("Var::grad").grad_of(*this);
}

template <typename T>
bool Var<T>::has_grad() const {
  const auto& n = checked_tape("Var::has_grad").node(*this, "Var::has_grad");
  return n.parameter != nullptr ? n.parameter->has_grad() : n.has_grad;
}

template <typename T>
bool Var<T>::requires_grad() const {
  return checked_tape("Var::requires_grad").node(*this, "Var::requires_grad").requires_grad;
}

template <typename T>
Tensor<T>& Var<T>::grad_accumulator() const {
  return checked_tape("Var::grad_accumulator").accumulator(*this, nullptr);
}

template <typename T>
Tensor<T>& Var<T>::grad_accumulator(T& beta) const {
  return checked_tape("Var::grad_accumulator").accumulator(*this, &beta);
}

// ---- Tape ---------------------------------------------------------------------------------

template <typename T>
const typename Tape<T>::Node& Tape<T>::node(const Var<T>& v, const char* context) const {
  if (v.tape_ == nullptr) {
    throw std::logic_error(std::string(context) + ": this Var is empty (default-constructed)");
  }
  if (v.tape_ != this) {
    throw std::invalid_argument(std::string(context) + ": the Var belongs to another tape");
  }
  if (v.generation_ != generation_ || v.index_ < 0 ||
      static_cast<std::size_t>(v.index_) >= nodes_.size()) {
    throw std::logic_error(std::string(context) +
                           ": stale Var: its tape was cleared since it was recorded; "
                           "record the forward pass again");
  }
  return nodes_[static_cast<std::size_t>(v.index_)];
}

template <typename T>
typename Tape<T>::Node& Tape<T>::node(const Var<T>& v, const char* context) {
  return const_cast<Node&>(static_cast<const Tape&>(*this).node(v, context));
}

template <typename T>
Var<T> Tape<T>::push_leaf(Node n, LeafKind kind) {
  n.leaf = kind;
  nodes_.push_back(std::move(n));
  return Var<T>(this, static_cast<int>(nodes_.size()) - 1, generation_);
}

template <typename T>
Var<T> Tape<T>::param(Parameter<T>& parameter) {
  Node n;
  n.op = "param";
  n.label = parameter.name().empty() ? "param" : parameter.name();
  n.borrowed = &parameter.value();
  n.parameter = &parameter;
  n.requires_grad = true;
  return push_leaf(std::move(n), LeafKind::param);
}

template <typename T>
Var<T> Tape<T>::variable(Tensor<T> value, std::string name) {
  Node n;
  n.op = "variable";
  n.label = std::move(name);
  n.value = std::move(value);
  n.requires_grad = true;
  return push_leaf(std::move(n), LeafKind::variable);
}

template <typename T>
Var<T> Tape<T>::input(const Tensor<T>& value, std::string name) {
  Node n;
  n.op = "input";
  n.label = std::move(name);
  n.borrowed = &value;
  return push_leaf(std::move(n), LeafKind::input);
}

template <typename T>
Var<T> Tape<T>::constant(Tensor<T> value, std::string name) {
  Node n;
  n.op = "constant";
  n.label = std::move(name);
  n.value = std::move(value);
  return push_leaf(std::move(n), LeafKind::constant);
}

template <typename T>
Var<T> Tape<T>::record(const char* op, Tensor<T> value, std::span<const Var<T>> inputs,
                       BackwardFn backward) {
  Node n;
  n.op = op;
  n.value = std::move(value);
  for (const Var<T>& in : inputs) {
    const Node& parent = node(in, op);
    if (n.num_inputs < 3)
      n.inputs[static_cast<std::size_t>(n.num_inputs++)] = in.index_;
    else
      n.more_inputs.push_back(in.index_);
    n.requires_grad = n.requires_grad || parent.requires_grad;
  }
  n.requires_grad = n.requires_grad && NoGradGuard::grad_enabled();
  if (n.requires_grad) n.backward = std::move(backward);
  nodes_.push_back(std::move(n));
  return Var<T>(this, static_cast<int>(nodes_.size()) - 1, generation_);
}

template <typename T>
Tensor<T>& Tape<T>::accumulator(const Var<T>& v, T* beta) {
  Node& n = node(v, "grad_accumulator");
  if (n.parameter != nullptr) {
    return beta ? n.parameter->grad_accumulator(*beta) : n.parameter->grad_accumulator();
  }
  const Shape& shape = value_of(n).shape();
  if (beta != nullptr) *beta = n.has_grad ? T{1} : T{0};
  if (!n.has_grad) {
    if (n.grad.shape() != shape) {
      n.grad = beta ? Tensor<T>::uninitialized(shape) : Tensor<T>(shape);
    } else if (!beta) {
      n.grad.fill(T{0});
    }
    n.has_grad = true;
  }
  return n.grad;
}

template <typename T>
const Tensor<T>& Tape<T>::grad_of(const Var<T>& v) const {
  const Node& n = node(v, "grad");
  if (n.parameter != nullptr) return n.parameter->grad();
  std::string who = "node " + std::to_string(v.index_) + " '" + (n.label.empty() ? n.op : n.label) +
                    "' " + value_of(n).shape().str();
  if (!n.requires_grad) {
    throw std::logic_error("grad: " + who +
                           " does not track gradients (an input, a constant, or computed only "
                           "from those, or under NoGradGuard); use tape.variable() or "
                           "tape.param() for values you differentiate with respect to");
  }
  if (!n.has_grad) {
    throw std::logic_error("grad: " + who +
                           " has no gradient: did you forget to call tape.backward(output)? "
                           "(or the output does not depend on it)");
  }
  return n.grad;
}

template <typename T>
void Tape<T>::backward(Var<T> output) {
  const Node& out = node(output, "backward");
  const Shape& shape = value_of(out).shape();
  if (shape.size() != 1) {
    throw std::logic_error("backward: the output has shape " + shape.str() +
                           ", not a scalar; pass a seed gradient of that shape: "
                           "tape.backward(output, seed)");
  }
  backward(output, Tensor<T>(shape, T{1}));
}

template <typename T>
void Tape<T>::backward(Var<T> output, const Tensor<T>& seed) {
  const Node& out = node(output, "backward");
  if (seed.shape() != value_of(out).shape()) {
    throw std::invalid_argument("backward: the seed has shape " + seed.shape().str() +
                                " but the output has shape " + value_of(out).shape().str());
  }
  if (backward_done_) {
    throw std::logic_error(
        "backward: this tape already ran a backward pass; call tape.clear() "
        "and record the forward pass again (parameter gradients accumulate "
        "across passes until zero_grad())");
  }
  if (!out.requires_grad) {
    throw std::logic_error(
        "backward: the output does not depend on any param() or variable() "
        "(or it was computed under NoGradGuard): there is nothing to "
        "differentiate");
  }
  backward_done_ = true;
  Tensor<T>& g = accumulator(output, nullptr);
  for (std::size_t i = 0; i < g.size(); ++i) g[i] += seed[i];

  // Creation order is topological: every consumer of node i comes after it.
  for (int i = output.index_; i >= 0; --i) {
    Node& n = nodes_[static_cast<std::size_t>(i)];
    if (n.backward && n.has_grad) n.backward(n.grad);
  }
}

template <typename T>
void Tape<T>::clear() {
  nodes_.clear();
  ++generation_;
  backward_done_ = false;
}

template <typename T>
NodeInfo<T> Tape<T>::node(std::size_t i) const {
  if (i >= nodes_.size()) {
    throw std::out_of_range("Tape::node: index " + std::to_string(i) + " but the tape holds " +
                            std::to_string(nodes_.size()) + " nodes");
  }
  const Node& n = nodes_[i];
  NodeInfo<T> info;
  info.index = i;
  info.op = n.op;
  info.name = n.label.empty() ? std::string_view(n.op) : std::string_view(n.label);
  info.leaf = n.leaf;
  info.parameter = n.parameter != nullptr;
  info.requires_grad = n.requires_grad;
  for (int k = 0; k < n.num_inputs; ++k)
    info.inputs.push_back(static_cast<std::size_t>(n.inputs[static_cast<std::size_t>(k)]));
  for (int input : n.more_inputs) info.inputs.push_back(static_cast<std::size_t>(input));
  info.value = &value_of(n);
  if (n.parameter != nullptr)
    info.grad = n.parameter->has_grad() ? &n.parameter->grad() : nullptr;
  else
    info.grad = n.has_grad ? &n.grad : nullptr;
  return info;
}

template <typename T>
std::string summarize(const Tensor<T>& t) {
  char buf[32];
  auto number = [&buf](double v) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return std::string(buf);
  };
  if (t.size() == 1) return number(double(t[0]));
  if (t.size() <= 4) {
    std::string s = "[";
    for (std::size_t i = 0; i < t.size(); ++i) s += (i ? ", " : "") + number(double(t[i]));
    return s + "]";
  }
  double sum = 0;
  for (std::size_t i = 0; i < t.size(); ++i) sum += double(t[i]) * double(t[i]);
  return "|| || = " + number(std::sqrt(sum));
}

namespace {

// The length of the valid UTF-8 sequence starting at s[i] (1 to 4), or 0 when the bytes there
// are not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
  if (b >= 0xc2 && b <= 0xdf) {
    n = 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b == 0xe0) lo = 0xa0;  // overlong
    if (b == 0xed) hi = 0x9f;  // surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b == 0xf0) lo = 0x90;  // overlong
    if (b == 0xf4) hi = 0x8f;  // past U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return n;
}

}  // namespace

std::string dot_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += '?';
      ++i;
    } else if (n > 1) {
      out.append(text, i, n);
      i += n;
    } else {
      if (c == '"' || c == '\\')
        out += std::string("\\") + c;
      else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        out += ' ';
      else
        out += c;
      ++i;
    }
  }
  return out;
}

template <typename T>
std::string Tape<T>::to_dot(bool values) const {
  std::ostringstream dot;
  dot << "digraph tape {\n"
      << "  rankdir=BT;\n"
      << "  node [shape=box, fontname=\"Helvetica\"];\n";
  for (std::size_t i = 0; i < size(); ++i) {
    const NodeInfo<T> n = node(i);
    // A leaf's name is a caller's string: escaped, so it stays one line of one label.
    dot << "  n" << i << " [label=\"" << dot_escape(n.name);
    if (n.is_leaf() && n.name != n.op) dot << " (" << dot_escape(n.op) << ")";
    dot << "\\n" << n.shape().str();
    if (values) {
      dot << "\\nvalue " << summarize(*n.value);
      if (n.grad != nullptr) dot << "\\ngrad " << summarize(*n.grad);
    }
    dot << "\"";
    if (n.parameter)
      dot << ", style=filled, fillcolor=\"#ffe9b3\"";
    else if (n.is_leaf())
      dot << ", style=filled, fillcolor=\"#e8e8e8\"";
    dot << "];\n";
  }
  for (std::size_t i = 0; i < size(); ++i) {
    for (std::size_t input : node(i).inputs) dot << "  n" << input << " -> n" << i << ";\n";
  }
  dot << "}\n";
  return dot.str();
}

template class Parameter<float>;
template class Parameter<double>;
template class Var<float>;
template class Var<double>;
template class Tape<float>;
template class Tape<double>;
template std::string summarize(const Tensor<float>&);
template std::string summarize(const Tensor<double>&);

}  // namespace ad
