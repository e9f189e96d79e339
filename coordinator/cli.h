// The command line of cardflow-coordinator, parsed into plain options.
//
//   cardflow-coordinator run DECK [--local | --node X=HOST:PORT... | --nodes-file FILE
//                                  | --loopback N]
//                              [--place A=X...] [--ordering callbacks|none]
//                              [--runs N] [--seed S] [--threads T] [--format text|json]
//                              [--log-level warn] [--log-format text|json]
//                              [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]
//                              [--token-file FILE]
//   cardflow-coordinator demo [--local | --node X=HOST:PORT --node Y=HOST:PORT
//                              | --nodes-file FILE | --loopback 2] [--tls-... --token-file]
//   (run and demo also: [--reports DIR] [--metrics HOST:PORT [--metrics-linger]];
//    demo: [--report FILE.html])
//   cardflow-coordinator serve [--http :8080] [--reports DIR]
//
// Parsing never prints and never exits: it returns what to do, and main()
// does it. It reads the files the flags name (--nodes-file, the TLS and
// token files), so an unreadable one is a bad argument too. Every bad
// argument is exit status 2 (DECK.md, "Exit status").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/deck/program.h"
#include "common/logging/logger.h"
#include "common/schedule/step.h"
#include "coordinator/check_command.h"
#include "coordinator/cluster/cluster_options.h"
#include "coordinator/command_metrics.h"
#include "coordinator/run_exports.h"
#include "coordinator/serve_command.h"

namespace cardflow {

enum class OutputFormat { kText, kJson };

// Where a run's stacks go: in the coordinator's own process (`--local`, and
// the default when no node is named), on `cardflow-node` processes
// (`--node X=HOST:PORT`, repeated, and `--nodes-file FILE`: see
// cluster/node_list.h), or on N nodes embedded in this process
// (`--loopback N`). `--place A=X` overrides the deck's `on NODE` hints.
struct PlacementOptions {
  bool local_flag = false;         // `--local` was given
  std::vector<NodeAddress> nodes;  // the file's, then the flags'
  // How the links to `nodes` are secured: --tls-ca, --tls-cert/--tls-key,
  // --token-file (proto/link_security.h). Only with `nodes`.
  LinkSecurity links;
  int loopback = 0;
  std::vector<std::pair<std::string, std::string>> place;

  bool Local() const { return nodes.empty() && loopback == 0; }
};

// `run DECK ...`: N runs of one deck, one report.
struct RunOptions {
  std::string deck_path;
  PlacementOptions placement;
  Ordering ordering = Ordering::kCallbacks;
  uint64_t runs = 100;
  uint64_t seed = 1;  // run i uses seed + i
  int threads = 2;    // worker threads of the local engine (the command line: the cores)
  OutputFormat format = OutputFormat::kText;
  bool progress = false;            // --progress: progress lines even when stderr is no terminal
  ExportPaths exports;              // --trace / --shiviz / --report files (local runs), --reports
  LogOptions log{.level = "warn"};  // --log-level / --log-format (stderr)
  MetricsOptions metrics;           // --metrics HOST:PORT, --metrics-linger
  // --shuffle seeded|network; unset: seeded locally (the only choice),
  // network on nodes — or seeded there too when --schedule is given.
  std::optional<Shuffle> shuffle;
  std::string schedule_path;        // --schedule FILE: every run takes it first
  Schedule prefix;                  // its steps, read by RunCommand
  bool check = true;                // --no-check: skip "seen vs reachable"
  // --compare-ordering: the same runs (same seeds) under this ordering too,
  // beside the first in the --report / --reports page.
  std::optional<Ordering> compare_ordering;
};

// `demo`: the story of the seed in one screen.
struct DemoOptions {
  PlacementOptions placement;
  std::optional<Shuffle> shuffle;  // --shuffle: as RunOptions::shuffle
  LogOptions log{.level = "warn"};  // --log-level / --log-format (stderr)
  // --report FILE.html / --reports DIR: transfer.deck naive vs callbacks.
  ExportPaths exports;
  MetricsOptions metrics;  // --metrics HOST:PORT, --metrics-linger
};

// Nothing to run: print `out` to stdout and `err` to stderr, exit `code`.
// (--help, --version, and every bad command line.)
struct CliExit {
  int code = 0;
  std::string out;
  std::string err;
};

using CliRequest =
    std::variant<RunOptions, DemoOptions, ServeOptions, CheckCommandOptions, CliExit>;

// Parses argv. Help and version give CliExit{0, text}; any error gives
// CliExit{2, "", message ending in a hint to run --help}.
CliRequest ParseCommandLine(int argc, const char* const* argv);

}  // namespace cardflow
