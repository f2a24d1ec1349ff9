// The tape: reverse-mode automatic differentiation as a list of recorded ops.
//
// Every op called on Vars (ops in matmul.hpp, elementwise.hpp, ...) computes its value at once
// and appends one node to the tape: the value, the indices of its inputs, and a closure that
// knows the op's backward. Nodes are appended in creation order, which is already a topological
// order (an op's inputs exist before it), so backward() is a plain loop from the output back to
// node 0: each node hands its gradient to its inputs, which add (+=) it into theirs.
//
//   ad::Tape<double> tape;
//   ad::Var<double> x = tape.param(w);         // w: a Parameter living outside the tape
//   ad::Var<double> y = ad::sum(ad::relu(x));  // records "relu", then "sum"
//   tape.backward(y);                          // w.grad() now holds dy/dw
//   tape.clear();                              // frees the pass; w keeps its gradient
//
// Three kinds of leaves start a pass:
//   param(p)     a Parameter<T> (a value and its gradient, owned by a model): borrowed, and
//                backward adds into p.grad(). Parameters live outside the tape.
//   variable(t)  a tensor owned by the tape whose gradient you want to read: tape.grad(v).
//   input(t)     data, borrowed without a copy and without a gradient (t must outlive the pass);
//   constant(t)  the same, but owned by the tape.
// A node is given a backward closure only when some input needs a gradient and no NoGradGuard
// is active; everything else is a constant that backward() skips.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "autodiff/tensor.hpp"

namespace ad {

template <typename T>
class Tape;

// A trainable value and its gradient, owned by a model (or by you), never by a tape.
// The gradient is absent until a backward pass contributes to it; contributions accumulate.
template <typename T>
class Parameter {
 public:
  explicit Parameter(Tensor<T> value, std::string name = "")
      : value_(std::move(value)), name_(std::move(name)) {}

  Tensor<T>& value() { return value_; }
  const Tensor<T>& value() const { return value_; }
  const Shape& shape() const { return value_.shape(); }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  bool has_grad() const { return has_grad_; }
  // Requires: a backward pass has reached this parameter since the last zero_grad()
  // (throws std::logic_error otherwise).
  const Tensor<T>& grad() const;
  // Forgets the gradient (the buffer is kept for the next pass). Call once per step.
  void zero_grad() { has_grad_ = false; }
  // The buffer that backward adds into: zero-filled on the first contribution.
  Tensor<T>& grad_accumulator();
  // For BLAS with beta: on the first contribution the buffer is left unfilled and beta = 0,
  // afterwards beta = 1, so `C = alpha*A*B + beta*C` accumulates without a zero pass.
  Tensor<T>& grad_accumulator(T& beta);

 private:
  Tensor<T> value_;
  Tensor<T> grad_;
  bool has_grad_ = false;
  std::string name_;
};

// A handle to one node of a tape: a tape pointer and an index. Copying a Var copies the handle,
// never the value; it stays valid until the tape is cleared or destroyed.
template <typename T>
class Var {
 public:
  Var() = default;

  const Tensor<T>& value() const;
  const Shape& shape() const { return value().shape(); }
  // The gradient of the backward output with respect to this node.
  // Requires: backward() has reached this node (throws std::logic_error with a hint otherwise).
  const Tensor<T>& grad() const;
  // True when backward has given this node a gradient (grad() will not throw).
  bool has_grad() const;
  // True when backward will propagate into this node (some leaf below it needs a gradient).
  bool requires_grad() const;
  Tape<T>& tape() const { return checked_tape("Var::tape"); }
  int index() const { return index_; }

  // For op implementations, inside a backward closure: the buffer to add this node's
  // gradient contribution into (see Parameter::grad_accumulator for the beta form).
  Tensor<T>& grad_accumulator() const;
  Tensor<T>& grad_accumulator(T& beta) const;

 private:
  friend class Tape<T>;
  Var(Tape<T>* tape, int index, unsigned generation)
      : tape_(tape), index_(index), generation_(generation) {}
  Tape<T>& checked_tape(const char* what) const;  // throws std::logic_error for an empty Var
  Tape<T>* tape_ = nullptr;
  int index_ = -1;
  unsigned generation_ = 0;  // which pass of the tape this handle belongs to
};

// While one is alive (on this thread), ops record values but no backward closures: for
// evaluation, finite differences and optimizer updates.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;
  static bool grad_enabled();

 private:
  bool previous_;
};

// What kind of leaf a node is (see the header comment), or none for an op's node.
enum class LeafKind { none, param, input, variable, constant };

// A read-only view of one node of a tape, for tools that show a recorded pass (Tape::to_dot,
// `overparam tape`). Valid until the tape records, clears or is destroyed.
template <typename T>
struct NodeInfo {
  std::size_t index = 0;  // creation order: n0, n1, ...
  std::string_view op;    // the op ("matmul"); for a leaf its kind ("param", "input", ...)
  std::string_view name;  // a leaf's name ("W1"); for an op's node, the op again
  LeafKind leaf = LeafKind::none;
  bool parameter = false;            // a param() leaf: backward adds into its Parameter's gradient
  bool requires_grad = false;        // backward propagates into this node
  std::vector<std::size_t> inputs;   // the nodes this one was computed from, in argument order
  const Tensor<T>* value = nullptr;  // never null
  const Tensor<T>* grad = nullptr;   // null until backward gives the node a gradient

  bool is_leaf() const { return leaf != LeafKind::none; }
  const Shape& shape() const { return value->shape(); }
};

// A tensor in a few characters, for pictures and listings of a tape: a scalar as its value
// ("0.8125"), up to four elements in full ("[1, -2, 0.5]"), more as the Frobenius norm
// ("|| || = 3.162"); numbers with 4 significant digits.
template <typename T>
std::string summarize(const Tensor<T>& t);

// `text` made safe inside a Graphviz double-quoted label: " and \ escaped (\" and \\), control
// characters shown as spaces, bytes that are not UTF-8 as '?'. The result holds no other
// backslash, so Graphviz substitutes nothing (\N, \G, \l ...) and the label stays one line.
std::string dot_escape(std::string_view text);

template <typename T>
class Tape {
 public:
  // Called with the gradient of the node's output; adds into the inputs' accumulators.
  using BackwardFn = std::function<void(const Tensor<T>& grad_output)>;

  Tape() = default;
  Tape(const Tape&) = delete;  // Vars point at their tape
  Tape& operator=(const Tape&) = delete;

  // Leaves (see the header comment).
  Var<T> param(Parameter<T>& parameter);
  Var<T> variable(Tensor<T> value, std::string name = "variable");
  Var<T> input(const Tensor<T>& value, std::string name = "input");
  // A temporary would be gone before backward reads it: use constant() for those.
  Var<T> input(const Tensor<T>&& value, std::string name = "input") = delete;
  Var<T> constant(Tensor<T> value, std::string name = "constant");

  // Appends an op's node. Used by op implementations only.
  // Requires: every input belongs to this tape and is current.
  // Ensures: `backward` is kept only if some input requires a gradient and grad mode is on.
  Var<T> record(const char* op, Tensor<T> value, std::initializer_list<Var<T>> inputs,
                BackwardFn backward) {
    return record(op, std::move(value), std::span<const Var<T>>(inputs.begin(), inputs.size()),
                  std::move(backward));
  }
  Var<T> record(const char* op, Tensor<T> value, std::span<const Var<T>> inputs,
                BackwardFn backward);

  // Runs the reverse pass from a scalar output (seed 1), or from any output with a seed of its
  // shape. One backward per pass: record a new pass (after clear()) to differentiate again.
  void backward(Var<T> output);
  void backward(Var<T> output, const Tensor<T>& seed);

  // Frees every node; parameters keep their gradients. Invalidates all Vars of this tape.
  void clear();
  // The number of nodes recorded in this pass.
  std::size_t size() const { return nodes_.size(); }
  // A read-only view of node i (the value, and the gradient once backward has given it one).
  // Requires: i < size() (throws std::out_of_range otherwise).
  NodeInfo<T> node(std::size_t i) const;

  // The recorded graph in Graphviz DOT, written from node(i): one box per node (op name and
  // output shape), an edge from each input to its consumer. With `values`, each box also shows
  // the node's value and, after backward, its gradient (summarize()). Render with
  // `dot -Tpng tape.dot -o tape.png`. Names are written through dot_escape, so the only
  // escapes in a label are the \n between its lines.
  std::string to_dot(bool values = false) const;

 private:
  friend class Var<T>;
  struct Node {
    const char* op = "";
    std::string label;                    // leaves: their name
    Tensor<T> value;                      // owned value (unused when `borrowed` is set)
    const Tensor<T>* borrowed = nullptr;  // input() and param() leaves
    Parameter<T>* parameter = nullptr;    // param() leaves: gradient goes here
    Tensor<T> grad;                       // other nodes that need a gradient
    bool has_grad = false;
    bool requires_grad = false;
    LeafKind leaf = LeafKind::none;
    std::array<int, 3> inputs{-1, -1, -1};  // most ops have at most 3 inputs: no allocation
    int num_inputs = 0;
    std::vector<int> more_inputs;  // the 4th and later (stack_rows of many rows)
    BackwardFn backward;
  };

  Var<T> push_leaf(Node node, LeafKind kind);
  const Node& node(const Var<T>& v, const char* context) const;
  Node& node(const Var<T>& v, const char* context);
  const Tensor<T>& value_of(const Node& n) const { return n.borrowed ? *n.borrowed : n.value; }
  const Tensor<T>& grad_of(const Var<T>& v) const;
  Tensor<T>& accumulator(const Var<T>& v, T* beta);

  std::vector<Node> nodes_;
  unsigned generation_ = 1;
  bool backward_done_ = false;
};

}  // namespace ad
