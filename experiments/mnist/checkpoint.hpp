// An MNIST run's checkpoint (train_mnist's MnistCheckpoint) as a record for
// report/checkpoint.hpp's file, and back; and a run's result alone (what a job's outcome keeps).
#pragma once

#include "experiments/mnist/train.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

Json mnist_checkpoint_record(const MnistCheckpoint& checkpoint);
// Throws std::invalid_argument naming what is missing or malformed.
MnistCheckpoint mnist_checkpoint_from_record(const Json& record);

// The result's rows and flags as keys of `record` (steps, batch_loss, lr, evals, ...), and back.
// The reader throws std::invalid_argument naming what is missing or malformed.
void put_mnist_result(Json& record, const MnistResult& result);
MnistResult mnist_result_from_record(const Json& record);

}  // namespace experiments
