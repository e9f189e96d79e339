// ShutdownSignals: SIGINT and SIGTERM taken by one sigwait in the thread
// that waits for them, never by a handler on some random thread.
//
// Construct it before any thread starts (servers, gRPC, thread pools): the
// signals are blocked in the constructing thread, and every thread started
// afterwards inherits the mask, so the signal stays pending until Wait
// takes it. The destructor restores the previous mask.
#pragma once

#include <signal.h>

namespace cardflow {

class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Blocks until SIGINT or SIGTERM arrives; returns which.
  int Wait();

 private:
  sigset_t signals_;
  sigset_t previous_;
};

// "SIGINT" / "SIGTERM".
const char* ShutdownSignalName(int signal);

}  // namespace cardflow
