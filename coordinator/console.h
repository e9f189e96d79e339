// Console: where a command writes. main() hands the real streams in; tests
// hand string streams, so commands never touch std::cout themselves.
#pragma once

#include <ostream>

namespace cardflow {

struct Console {
  std::ostream& out;             // the command's result (report, demo story)
  std::ostream& err;             // diagnostics and progress
  bool err_is_terminal = false;  // draw a progress bar on `err`
};

}  // namespace cardflow
