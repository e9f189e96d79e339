#include "common/deck/program.h"

namespace cardflow {

const char* OrderingName(Ordering ordering) {
  switch (ordering) {
    case Ordering::kCallbacks:
      return "callbacks";
    case Ordering::kNone:
      return "none";
  }
  return "unknown";
}

}  // namespace cardflow
