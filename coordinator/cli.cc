#include "coordinator/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <optional>
#include <sstream>
#include <thread>

namespace cardflow {

namespace {

constexpr char kDescription[] =
    R"(cardflow runs decks: small concurrent programs made of stacks of cards.

A deck is a text file. Each `stack` is a pile of cards run top to bottom;
the stacks run at the same time and their cards are shuffled together in a
different order on every run. Stacks that depend on each other say so with
callbacks: `notify B` sends one, `await A` waits for it. `expect` lines say
what every run must end in. README.md shows the language; examples/ holds
decks to start from.
)";

constexpr char kFooter[] = R"(Examples:
  cardflow-coordinator demo
      the whole idea in one screen
  cardflow-coordinator run examples/transfer.deck
      100 shuffled runs with callbacks honoured: one outcome, exit 0
  cardflow-coordinator run examples/transfer.deck --ordering none --runs 2000
      the same deck with awaits that do not wait: lost updates, exit 1
  cardflow-coordinator run examples/store_buffering.deck --runs 2000 --format json

Exit status: 0 every run met every expect; 1 some run did not (or an await
missed its callback, or a run error); 2 bad deck or bad arguments; 3 the
cluster could not carry the run (a node unreachable or lost).)";

constexpr char kRunDescription[] = "Run a deck N times, shuffled by seed, and report its outcomes";

constexpr char kRunFooter[] =
    R"(Every run starts fresh and interleaves the stacks' cards in an order
chosen by its seed, so the same --seed always gives the same report. The
report counts each distinct outcome, checks the deck's `expect` lines, and
counts awaits that missed their callback. Stacks run in this process
(--local, the default when no node is named), on cardflow-node processes
(--node X=HOST:PORT, repeated; callbacks then go node to node), or on N
nodes embedded in this process (--loopback N).

Examples:
  cardflow-coordinator run examples/transfer.deck
  cardflow-coordinator run examples/transfer.deck --ordering none --runs 2000 --seed 7
  cardflow-coordinator run examples/parallel.deck --threads 1 --runs 5 --format json
  cardflow-coordinator run examples/transfer.deck --node X=10.0.0.2:7001 --node Y=10.0.0.3:7001
  cardflow-coordinator run examples/transfer.deck --loopback 2 --runs 500)";

constexpr char kDemoDescription[] = "Show what cardflow is for, in one screen";

constexpr char kDemoFooter[] = R"(Tells the story with the example decks built into the program: the
transfer deck shuffled without callbacks (several outcomes, lost updates)
and with them (one outcome), then the parallel deck on 1 and 2 worker
threads (wall time and speed-up). With --node (two nodes) or --loopback 2
the stacks run on worker nodes instead: A on the first node, B on the
second, and the parallel deck on one node vs two.

Examples:
  cardflow-coordinator demo --local
  cardflow-coordinator demo --loopback 2
  cardflow-coordinator demo --node X=127.0.0.1:7001 --node Y=127.0.0.1:7002)";

// CLI11 reads "-3" into an unsigned option as 2^64 - 3; a seed or count is
// never negative.
CLI::Validator NotNegative() {
  return CLI::Validator(
      [](std::string& value) {
        return value.find('-') == std::string::npos ? std::string() : "must not be negative";
      },
      "NONNEGATIVE");
}

// The placement flags `run` and `demo` share. The raw words are parsed
// after CLI11 is done, so a bad `--node` gets the cluster's own message.
struct PlacementFlags {
  std::vector<std::string> nodes;
  std::vector<std::string> place;
};

void AddPlacementFlags(CLI::App* cmd, PlacementOptions& placement, PlacementFlags& flags) {
  cmd->add_flag("--local", placement.local_flag,
                "Run every stack in this process (the default while no node is named)");
  cmd->add_option("--node", flags.nodes,
                  "A cardflow-node to run stacks on, as NAME=HOST:PORT; repeat it\n"
                  "for each node. A stack goes to the node its `on NAME` names,\n"
                  "otherwise stacks are spread over the nodes in this order")
      ->option_text("NAME=HOST:PORT ...");
  cmd->add_option("--loopback", placement.loopback,
                  "Start N nodes inside this process on 127.0.0.1 (an embedded\n"
                  "cluster, no setup); they take the names the deck's `on` hints use")
      ->check(CLI::Range(1, 64))
      ->option_text("N");
  cmd->add_option("--place", flags.place, "Put stack A on node X, overriding the deck's hint")
      ->option_text("A=X ...");
}

// Turns the placement words into options; the message on failure.
std::optional<std::string> ResolvePlacement(const PlacementFlags& flags,
                                            PlacementOptions& placement) {
  for (const std::string& word : flags.nodes) {
    StatusOr<NodeAddress> node = ParseNodeFlag(word);
    if (!node.ok()) return node.status().message();
    placement.nodes.push_back(*std::move(node));
  }
  for (const std::string& word : flags.place) {
    auto place = ParsePlaceFlag(word);
    if (!place.ok()) return place.status().message();
    placement.place.push_back(*std::move(place));
  }
  const int ways = (placement.local_flag ? 1 : 0) + (placement.nodes.empty() ? 0 : 1) +
                   (placement.loopback > 0 ? 1 : 0);
  if (ways > 1) return std::string("choose one placement: --local, --node or --loopback");
  if (!placement.place.empty() && placement.Local()) {
    return std::string("--place needs nodes (--node or --loopback)");
  }
  return std::nullopt;
}

// The logging flags `run` and `demo` share: how this process (and its
// loopback nodes) log to stderr. The report itself goes to stdout.
// `format` is read as a word (see `ordering` below) and turned into
// log.format once parsing is done.
void AddLogFlags(CLI::App* cmd, LogOptions& log, std::string& format) {
  cmd->add_option("--log-level", log.level, "Log lines on stderr at this level and above")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->option_text("trace|debug|info|warn|error|off (default: warn)");
  cmd->add_option("--log-format", format,
                  "text: human lines; json: one object per line (time, level, message)")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json (default: text)");
}

int DefaultThreads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 1u, 64u));
}

}  // namespace

CliRequest ParseCommandLine(int argc, const char* const* argv) {
  CLI::App app(kDescription, "cardflow-coordinator");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", "cardflow-coordinator " CARDFLOW_VERSION);

  // Read as words and checked with IsMember, whose message ("sideways not in
  // {callbacks,none}") reads better than an enum transformer's.
  std::string ordering = "callbacks";
  std::string format = "text";
  std::string log_format = "text";  // of whichever subcommand runs

  RunOptions run;
  run.threads = DefaultThreads();
  CLI::App* run_cmd = app.add_subcommand("run", kRunDescription);
  run_cmd->footer(kRunFooter);
  run_cmd->add_option("deck", run.deck_path, "The deck file to run, e.g. examples/transfer.deck")
      ->required()
      ->option_text("FILE REQUIRED");
  PlacementFlags run_flags;
  AddPlacementFlags(run_cmd, run.placement, run_flags);
  AddLogFlags(run_cmd, run.log, log_format);
  run_cmd
      ->add_option("--ordering", ordering,
                   "callbacks: `await` waits for its callback (the real program);\n"
                   "none: `await` takes a callback only if one has already arrived\n"
                   "(the same deck written without caring about order)")
      ->check(CLI::IsMember({"callbacks", "none"}))
      ->option_text("callbacks|none (default: callbacks)");
  run_cmd->add_option("--runs", run.runs, "How many runs, each from fresh state")
      ->check(NotNegative())
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}))
      ->option_text("N (default: " + std::to_string(run.runs) + ")");
  run_cmd->add_option("--seed", run.seed, "Seed of the first run; run i uses seed + i")
      ->check(NotNegative())
      ->option_text("S (default: " + std::to_string(run.seed) + ")");
  run_cmd
      ->add_option("--threads", run.threads,
                   "Worker threads that run the cards; the report does not\n"
                   "depend on it, only the wall time does")
      ->check(CLI::Range(1, 1024))
      ->option_text("T (default: " + std::to_string(run.threads) + ", the cores here)");
  run_cmd
      ->add_option("--format", format,
                   "text: a histogram of outcomes and a verdict;\n"
                   "json: one object with the same facts, for programs (see README.md)")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json (default: text)");

  run_cmd
      ->add_option("--trace", run.exports.trace,
                   "Write one run's events as a Chrome trace (open in Perfetto or\n"
                   "chrome://tracing): the first run that failed, else the first")
      ->option_text("FILE.json");
  run_cmd
      ->add_option("--shiviz", run.exports.shiviz,
                   "Write the same run as a ShiViz log (vector clocks per stack)")
      ->option_text("FILE.log");
  run_cmd
      ->add_option("--report", run.exports.html,
                   "Write an HTML page: the outcome histogram and a space-time\n"
                   "diagram of that run (self-contained, works offline)")
      ->option_text("FILE.html");

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", kDemoDescription);
  demo_cmd->footer(kDemoFooter);
  PlacementFlags demo_flags;
  AddPlacementFlags(demo_cmd, demo.placement, demo_flags);
  AddLogFlags(demo_cmd, demo.log, log_format);

  // CLI11 would only say "A subcommand is required" for `cardflow-coordinator fly`.
  if (argc >= 2 && argv[1][0] != '-' && !run_cmd->check_name(argv[1]) &&
      !demo_cmd->check_name(argv[1])) {
    return CliExit{2, "",
                   std::string("Unknown command: ") + argv[1] +
                       " (the commands are run and demo)\nRun with --help for more information.\n"};
  }

  std::ostringstream out;
  std::ostringstream err;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    // CLI11 has its own exit codes (105, 106, 109, ...); the spec has one
    // for every bad command line.
    return CliExit{code == 0 ? 0 : 2, out.str(), err.str()};
  }
  const bool is_run = run_cmd->parsed();
  (is_run ? run.log : demo.log).format = *ParseLogFormat(log_format);
  if (auto problem = ResolvePlacement(is_run ? run_flags : demo_flags,
                                      is_run ? run.placement : demo.placement)) {
    return CliExit{2, "", *problem + "\nRun with --help for more information.\n"};
  }
  if (is_run && run.exports.any() && !run.placement.Local()) {
    return CliExit{2, "",
                   "--trace, --shiviz and --report need local placement for now (the run "
                   "they draw is replayed locally)\nRun with --help for more information.\n"};
  }
  if (is_run) {
    run.ordering = ordering == "none" ? Ordering::kNone : Ordering::kCallbacks;
    run.format = format == "json" ? OutputFormat::kJson : OutputFormat::kText;
    return run;
  }
  return demo;
}

}  // namespace cardflow
