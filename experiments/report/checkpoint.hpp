// Checkpoints: the whole state of a run stopped part way, so that `--resume DIR` continues it
// exactly where it stopped.
//
// A checkpoint is one file, DIR/checkpoint.cbor: a JSON document in CBOR (nlohmann-json's binary
// encoding) whose tensors are kept as their raw bytes, {"dtype", "shape", "bytes"}, so every
// value reads back bit for bit. It is written atomically (a temporary file, then a rename): a
// crash while writing leaves the previous checkpoint whole. Each trainer says what goes in it
// (linear/checkpoint.hpp, mnist/train.hpp); this file holds what they share.
#pragma once

#include <string>

#include "autodiff/tensor.hpp"
#include "experiments/report/json.hpp"
#include "optim/optimizer.hpp"

namespace experiments {

// The checkpoint's file name inside a run's folder, and the version of its layout.
inline constexpr const char* checkpoint_file = "checkpoint.cbor";
inline constexpr int checkpoint_format = 1;

// A tensor as {"dtype": "float64"|"float32", "shape": [...], "bytes": binary}.
template <typename T>
Json tensor_record(const ad::Tensor<T>& t);
// The tensor tensor_record wrote. Throws std::invalid_argument "WHAT: ..." when `j` holds another
// dtype, a shape of rank above 4, or bytes that do not match its shape.
template <typename T>
ad::Tensor<T> tensor_from_record(const Json& j, const std::string& what);

// An optimizer's state (optim::Optimizer::state) as a record, and back (std::invalid_argument
// naming the slot when a tensor is malformed; load_state checks the rest).
template <typename T>
Json optimizer_state_record(const optim::OptimizerState<T>& state);
template <typename T>
optim::OptimizerState<T> optimizer_state_from_record(const Json& j);

// Writes `checkpoint` (with "format" and "command" set) to DIR/checkpoint.cbor, atomically.
void write_checkpoint(const std::string& dir, const std::string& command, Json checkpoint);
// DIR/checkpoint.cbor.
std::string checkpoint_path(const std::string& dir);
// Reads DIR/checkpoint.cbor. Throws data::DataError "PATH: ..." when the file cannot be read, is
// not CBOR, has another format, or belongs to another command.
Json read_checkpoint(const std::string& dir, const std::string& command);
// Removes DIR/checkpoint.cbor, if there is one (a run that completed has nothing to resume).
void remove_checkpoint(const std::string& dir);

}  // namespace experiments
