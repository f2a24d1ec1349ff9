// A linear run's checkpoint (train_linear's LinearCheckpoint) as a record for
// report/checkpoint.hpp's file, and back.
#pragma once

#include "experiments/linear/trainer.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

Json linear_checkpoint_record(const LinearCheckpoint& checkpoint);
// Throws std::invalid_argument naming what is missing or malformed.
LinearCheckpoint linear_checkpoint_from_record(const Json& record);

// A result's logged rows and how it ended (iteration, loss, diverged, diverged_at,
// iterations_done, final_loss) as keys of `record`, and back: what a checkpoint and a job's
// outcome both keep. The reader throws Json::exception for a missing or mistyped key, and
// std::invalid_argument when the iterations and losses differ in number.
void put_linear_rows(Json& record, const LinearResult& result);
void get_linear_rows(const Json& record, LinearResult& result);

}  // namespace experiments
