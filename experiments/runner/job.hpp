// A job: one training that the runner hands to a thread or to an MPI rank, and the value it
// gives back.
//
// A LinearJob is a linear run with its whole rate grid (trained together by train_linear) on
// the problem its ProblemSpec builds; a MnistJob is one `overparam mnist` run. A job is plain
// data: job_json writes every setting that affects the training, in a fixed order, and
// job_from_json reads it back in another process, so a job trained on a rank of another machine
// gives the same numbers bit for bit. Its id is a hash of that text: equal settings, equal id,
// on every machine and in every run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "experiments/linear/problem.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/mnist/train.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

struct LinearJob {
  ProblemSpec problem;
  // What to train. Its callbacks, progress line and explain are the runner's, not the job's:
  // they are neither written nor read.
  LinearConfig config;
};

struct MnistJob {
  std::string mnist_dir;               // the four IDX files
  std::size_t validation_size = 5000;  // training images held out, the first ones
  // The threads its products and convolutions are shared out on, by whoever trains it: a
  // product split in blocks may round its last bits otherwise (autodiff/blas.hpp), so the
  // count is a setting of the job like any other.
  int threads = 1;
  // What to train. Its callbacks, progress line and checkpoints are the runner's: neither
  // written nor read.
  MnistConfig config;
};

using Job = std::variant<LinearJob, MnistJob>;

// Every setting of `job`. A LinearJob's: the problem, the model, the optimizer and its
// hyperparameters, the rates, the schedule, the seed, the initial layers when given. A
// MnistJob's: "kind": "mnist", the data, the variant and where its L2 goes, the steps, the
// batch, the evaluations, the seed, the convolution's algorithm (its rounding differs).
Json job_json(const LinearJob& job);
Json job_json(const MnistJob& job);
Json job_json(const Job& job);
// The job job_json wrote. Throws std::invalid_argument naming the key that is missing or wrong.
Job job_from_json(const Json& json);
// 16 hexadecimal digits: the 64-bit FNV-1a hash of job_json(job)'s text.
std::string job_id(const Job& job);
// What the job takes when nothing diverges, in the units of its progress: a LinearJob's rates
// x iterations, a MnistJob's steps (on the training images left after its validation set).
std::size_t job_iterations(const Job& job);
// A relative cost, for running the longest jobs first: a LinearJob's rates x iterations x
// (depth x width + 4), a MnistJob's steps x mnist_step_cost.
double job_cost(const Job& job);
// A convnet step of batch 64 in job_cost's units: on one thread it takes about 60 ms, an l_4
// iteration of ten width-100 depth-3 rates (10 x 304 units) about 0.17 ms (docs/PERFORMANCE.md).
inline constexpr double mnist_step_cost = 1e6;

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
  std::vector<LinearResult> results;  // a LinearJob's: one per rate of its config, when it ran
  std::optional<MnistResult> mnist;   // a MnistJob's, when it ran
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
