// A linear run's checkpoint (train_linear's LinearCheckpoint) as a record for
// report/checkpoint.hpp's file, and back.
#pragma once

#include "experiments/linear/trainer.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

Json linear_checkpoint_record(const LinearCheckpoint& checkpoint);
// Throws std::invalid_argument naming what is missing or malformed.
LinearCheckpoint linear_checkpoint_from_record(const Json& record);

}  // namespace experiments
