#include "common/deck/program.h"

#include <string>
#include <utility>

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

std::string CardPlace(const Program& program, StackId stack, uint32_t pc) {
  const Instr& instr = program.Code(stack)[pc];
  std::string out = "line " + std::to_string(instr.line);
  std::string path;
  for (uint32_t i = instr.iteration; i != 0 && i < program.iterations.size();
       i = program.iterations[i].parent) {
    std::string number = std::to_string(program.iterations[i].number);
    path = path.empty() ? std::move(number) : number + "." + path;
  }
  if (!path.empty()) out += ", iteration " + path;
  return out;
}

}  // namespace cardflow
