// A job: one training that the runner hands to a thread or to an MPI rank, and the value it
// gives back.
//
// A LinearJob is a linear run with its whole rate grid (trained together by train_linear) on
// the problem its ProblemSpec builds. It is plain data: job_json writes every setting that
// affects the training, in a fixed order, and job_from_json reads it back in another process,
// so a job trained on a rank of another machine gives the same numbers bit for bit. Its id is a
// hash of that text: equal settings, equal id, on every machine and in every run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/linear/problem.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

struct LinearJob {
  ProblemSpec problem;
  // What to train. Its callbacks, progress line and explain are the runner's, not the job's:
  // they are neither written nor read.
  LinearConfig config;
};

// Every setting of `job` (the problem, the model, the optimizer and its hyperparameters, the
// rates, the schedule, the seed, the initial layers when given).
Json job_json(const LinearJob& job);
// The job job_json wrote. Throws std::invalid_argument naming the key that is missing or wrong.
LinearJob job_from_json(const Json& json);
// 16 hexadecimal digits: the 64-bit FNV-1a hash of job_json(job)'s text.
std::string job_id(const LinearJob& job);
// Iterations the job takes when no rate diverges: rates x iterations.
std::size_t job_iterations(const LinearJob& job);
// A relative cost, for running the longest jobs first: rates x iterations x (depth x width + 4).
double job_cost(const LinearJob& job);

// What became of a job.
enum class JobStatus {
  done,         // trained to the end (some of its rates may have diverged: that is a result)
  failed,       // the training threw; `error` says why
  interrupted,  // a signal stopped it part way; its rows so far are in `results`
  missing,      // never ran: its rank died, or the runner stopped first
};
const char* job_status_name(JobStatus status);

struct JobOutcome {
  JobStatus status = JobStatus::missing;
  std::vector<LinearResult> results;  // one per rate of the job's config, when it ran
  std::string error;
  double seconds = 0;    // wall time of the training
  bool resumed = false;  // read back from a complete job folder, not trained in this run
  int rank = 0;          // the MPI rank that trained it (0 without MPI)
};

// An outcome as bytes (CBOR, which keeps NaN and infinity) and back: what a rank sends and what
// a job folder keeps. decode_outcome throws std::invalid_argument on bytes it cannot read.
std::vector<std::uint8_t> encode_outcome(const JobOutcome& outcome);
JobOutcome decode_outcome(const std::vector<std::uint8_t>& bytes);

}  // namespace experiments
