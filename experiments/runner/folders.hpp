// Job folders: where the runner keeps each finished job, so that a sweep survives Ctrl-C, a
// crash or a dead rank, and `--resume` trains only what is missing.
//
//   ROOT/ID/job.json      the job's settings (job_json) and its id
//   ROOT/ID/outcome.cbor  what the runner needs to use the job again (encode_outcome)
//   ROOT/ID/...           with run_files, the run's own files, as `overparam linear` writes
//                         them (losses.csv, run.json, W1.npy ..., loss.png) or `overparam
//                         mnist` (batch_loss.csv, eval.csv, run.json, batch_loss.png); a figure,
//                         which writes every curve's CSVs itself, keeps the two above only
//
// A folder is complete or absent: it is written under a temporary name in ROOT and renamed
// into place last, so a job stopped part way leaves no ROOT/ID behind.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "experiments/runner/job.hpp"

namespace experiments {

// ROOT/ID for this job.
std::string job_folder(const std::string& root, const Job& job);

// Writes the finished job's folder (outcome.status == done): job.json, outcome.cbor, and what
// `run_files` (when given) writes into the folder it is handed. Throws std::runtime_error naming
// the folder when it cannot be written.
void write_job_folder(const std::string& root, const Job& job, const JobOutcome& outcome,
                      const std::function<void(const std::string&)>& run_files);

// The outcome a complete folder of this job holds (resumed = true), or nothing when there is
// no such folder. Throws std::runtime_error naming the folder when it exists but its job.json
// is another job's or its outcome cannot be read.
std::optional<JobOutcome> read_job_folder(const std::string& root, const Job& job);

}  // namespace experiments
