// An MNIST run's checkpoint (train_mnist's MnistCheckpoint) as a record for
// report/checkpoint.hpp's file, and back.
#pragma once

#include "experiments/mnist/train.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

Json mnist_checkpoint_record(const MnistCheckpoint& checkpoint);
// Throws std::invalid_argument naming what is missing or malformed.
MnistCheckpoint mnist_checkpoint_from_record(const Json& record);

}  // namespace experiments
