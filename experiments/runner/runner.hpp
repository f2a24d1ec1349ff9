// The job runner: every command that trains more than once (figures, `reproduce`, the
// sensitivity study, `sweep`) builds a list of jobs and hands it here.
//
// run_jobs trains the jobs on `jobs` threads of this process (a MnistJob one after another, each
// on its own threads), or, when the program runs as ranks of mpirun/srun (mpi.hpp), on every
// rank: rank 0 hands the next job, longest first, to whichever rank is free (itself included)
// and gathers the outcomes. Either way the outcomes
// come back in the order of the list, and each job is trained by the same code on one thread,
// so they are the same bit for bit whoever trained them. Jobs with the same id are trained
// once (the sensitivity study's columns share many). A job that throws is an outcome
// (failed), not the end of the others; a job whose rates diverge is a result like any other.
//
// With a folder, every finished job is kept in its job folder (folders.hpp) as soon as it is
// done, by the rank that trained it, and `resume` reads back the jobs whose folder is complete
// instead of training them again. A Ctrl-C or SIGTERM stops the jobs under way (kept as
// interrupted, never as complete) and starts no new one.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "experiments/report/progress.hpp"
#include "experiments/runner/job.hpp"

namespace experiments {

// Where a command keeps its finished jobs, and whether it reads back the ones already there.
struct JobStore {
  std::string folder;  // empty: none kept
  bool resume = false;
};

struct RunnerOptions {
  int jobs = 1;                        // threads of this process (one per job); MPI: 1 a rank
  SharedProgress* progress = nullptr;  // iterations done are added here as they happen
  std::string folder;                  // job folders (folders.hpp); empty: none are written
  bool resume = false;                 // read complete job folders instead of training them
  bool run_files = true;               // each job folder holds the run's files too (folders.hpp)
  bool plot = true;                    // and its loss.png
  // Called on rank 0 as each job ends (its index in the list), from one thread at a time.
  std::function<void(std::size_t, const JobOutcome&)> on_outcome;
};

// The outcomes of `jobs`, in their order. Requires: options.jobs >= 1. Throws data::DataError
// when a job's data cannot be read, before any job starts.
std::vector<JobOutcome> run_jobs(const std::vector<Job>& jobs, const RunnerOptions& options);
std::vector<JobOutcome> run_jobs(const std::vector<LinearJob>& jobs, const RunnerOptions& options);

// The options of a figure's jobs: kept in `store`, counted in `progress`, on `jobs` threads, their
// folders without run files or plots (the figure writes the files it wants itself).
RunnerOptions figure_runner_options(const JobStore& store, SharedProgress* progress, int jobs = 1);

// The problem `spec` builds, built once per process and kept (a rank trains many jobs on the
// same data). Thread-safe. remember_problem adds one built elsewhere (a figure's panels).
const Problem& cached_problem(const ProblemSpec& spec);
void remember_problem(const ProblemSpec& spec, const Problem& problem);
// The MNIST files of `dir` with the first `validation_size` training images held out, read
// once per process and kept. Thread-safe.
const data::Mnist& cached_mnist(const std::string& dir, std::size_t validation_size);

// What a progress line counts for `job`: job_iterations, but a MnistJob's steps on the training
// images its data has (read by cached_mnist).
std::size_t job_steps(const Job& job);

// Where the jobs run, for reports and logs: "2 parallel runs" or "32 MPI ranks".
std::string runner_description(int jobs);

// What every rank but 0 does under MPI: trains the jobs rank 0 sends until it says stop.
// Returns the process's exit code.
int serve_jobs();
// Rank 0, at the end of the program: tells every other rank to stop serving. Idempotent; does
// nothing without MPI.
void stop_workers();

}  // namespace experiments
