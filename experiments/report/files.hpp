// Output folders: where a run's files go.
//
// A run given --out writes into that folder (created if needed). A run without --out gets a new
// folder of its own, runs/COMMAND-TIMESTAMP, created at that moment and never one that already
// existed (a second run in the same second gets COMMAND-TIMESTAMP-2), so no run's results are
// overwritten or mixed with another's. Commands create their folder only after every input has
// been checked, so a refused run leaves nothing behind.
#pragma once

#include <string>

#include "data_loaders/atomic_file.hpp"

namespace experiments {

// Every file is written through data::write_file_atomic (a temporary file, then a rename).
using data::write_file_atomic;

// Creates `dir` (and its parents) if needed. Throws std::runtime_error naming the folder when
// it cannot be created or written into.
void make_output_dir(const std::string& dir);

// A run's own folder: make_output_dir, then a lock held until the process ends, so two runs
// never write one folder. The lock is an flock(2) on DIR/.overparam.lock, which holds the pid
// of the run that has it (the kernel releases it when that process ends, however it ends).
// Throws std::runtime_error "the output folder 'DIR' is in use by another overparam run (pid
// N) ..." when another process holds it. Claiming a folder this process holds already is a
// no-op. The lock file is removed when the process exits (release_output_dirs, registered
// with atexit: a normal end, an error, or Ctrl-C / SIGTERM, which end through main), so a
// finished folder holds only the run's outputs; a run killed outright leaves it, unlocked, and
// the next run takes it over.
void claim_output_dir(const std::string& dir);

// Removes the lock file of every folder this process claimed (while still holding its lock,
// and only if the path still names that file) and releases the locks.
void release_output_dirs();

// Creates and returns a folder `stem-YYYYmmdd-HHMMSS` (with "-2", "-3", ... appended when that
// name is taken) that did not exist before this call; parents are created as needed.
// The folder is claimed (claim_output_dir). Throws std::runtime_error naming the folder when
// it cannot be created.
std::string new_run_dir(const std::string& stem);

// The local time as YYYYmmdd-HHMMSS.
std::string timestamp();

}  // namespace experiments
