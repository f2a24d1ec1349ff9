#include "experiments/report/interrupt.hpp"

#include <csignal>

namespace experiments {

namespace {

volatile std::sig_atomic_t received = 0;

// Async-signal-safe: one store. SA_RESETHAND below puts the default action back, so a second
// Ctrl-C terminates a run that is, say, stuck in a long BLAS call.
extern "C" void record_signal(int signal) {
  received = signal;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupted() {
  return received;
}

int interrupted_exit_code() {
  return 128 + received;
}

void reset_interrupt() {
  received = 0;
  install_interrupt_handlers();
}

}  // namespace experiments
