// The one text log line of every cardflow program, an spdlog pattern:
//
//   2026-11-30 19:36:00.570 info  [node X] listening on 127.0.0.1:7001 ...
//   2026-11-30 19:36:00.571 warn  [program cardflow-chaos] link x: ...
//
// time to the millisecond, the level padded to five, then who speaks: the
// component ("node", "program") and the logger's name (%n). Node,
// coordinator and chaos all log with it, so one grep or one log collector
// reads them all (--log-format json is the machine form of all three:
// base/logger.h).
#pragma once

#include <string>
#include <string_view>

namespace cardflow {

inline std::string TextLogPattern(std::string_view component) {
  return "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [" + std::string(component) + " %n] %v";
}

}  // namespace cardflow
