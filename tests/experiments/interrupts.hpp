// Running a piece of a test as a command runs: with the program's SIGINT/SIGTERM handlers.
#pragma once

#include <csignal>

#include "experiments/report/interrupt.hpp"

// body() with the handlers installed; afterwards, even when it throws, the signal forgotten and
// the default handlers back, so the next test starts uninterrupted.
template <typename Body>
auto with_interrupt_handlers(Body body) {
  struct Restore {
    ~Restore() {
      experiments::reset_interrupt();
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
    }
  } restore;
  experiments::install_interrupt_handlers();
  return body();
}
