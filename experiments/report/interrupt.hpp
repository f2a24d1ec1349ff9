// Stopping a long run cleanly on Ctrl-C (SIGINT) or `kill` (SIGTERM).
//
// `overparam` installs the handlers once, at start. The handler only records which signal
// arrived; training loops ask `interrupted()` once per iteration, stop, and the command writes
// what the run has so far (its CSV rows, and run.json marked "interrupted": true) before main
// exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell expects.
// A second signal is not caught: it ends the process at once, for a run that will not stop.
#pragma once

namespace experiments {

// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_interrupt_handlers();

// The signal that asked the run to stop (SIGINT or SIGTERM), or 0 while none has.
int interrupted();

// The exit code for a run stopped by `interrupted()`: 128 + its signal number.
int interrupted_exit_code();

// Forgets a recorded signal and re-arms the handlers (tests; a fresh run in the same process).
void reset_interrupt();

// Thrown by commands made of several runs (figures, reproduce) when a signal stops one of them
// part way; main turns it into the exit code above.
struct Interrupted {};

}  // namespace experiments
