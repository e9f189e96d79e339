#include "coordinator/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>

#include "base/command_line.h"
#include "base/suggest.h"
#include "common/deck/limits.h"
#include "coordinator/cluster/node_list.h"

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
  cardflow-coordinator check examples/transfer.deck --ordering none
      every schedule, not a sample: 4 reachable outcomes, each bad one told card
      by card with a schedule `run --schedule FILE` replays

Exit status: 0 every run met every expect; 1 some run did not (or an await
missed its callback, or a run error); 2 bad deck or bad arguments; 3 the
cluster could not carry the run (a node unreachable or lost); 4 (check) the
search stopped at --max-states before it was complete.)";

constexpr char kRunDescription[] = "Run a deck N times, shuffled by seed, and report its outcomes";

constexpr char kRunFooter[] =
    R"(Every run starts fresh and interleaves the stacks' cards in an order
chosen by its seed, so the same --seed always gives the same report —
locally, and on nodes with --shuffle seeded (under the nodes' default,
--shuffle network, the nodes and the network order the steps, and each
outcome's witness schedule, not its seed, replays it). The
report counts each distinct outcome, checks the deck's `expect` lines, and
counts awaits that missed their callback. Stacks run in this process
(--local, the default when no node is named), on cardflow-node processes
(--node X=HOST:PORT, repeated, or --nodes-file FILE; callbacks then go
node to node), or on N nodes embedded in this process (--loopback N).
Links to nodes run with TLS and a shared token take --tls-ca (and
--tls-cert/--tls-key for mutual TLS) and --token-file: docs/lan.md.

Examples:
  cardflow-coordinator run examples/transfer.deck
  cardflow-coordinator run examples/transfer.deck --ordering none --runs 2000 --seed 7
  cardflow-coordinator run examples/parallel.deck --threads 1 --runs 5 --format json
  cardflow-coordinator run examples/transfer.deck --node X=10.0.0.2:7001 --node Y=10.0.0.3:7001
  cardflow-coordinator run examples/transfer.deck --nodes-file nodes.txt --tls-ca certs/ca.pem \
      --tls-cert certs/client.pem --tls-key certs/client.key --token-file certs/token
  cardflow-coordinator run examples/transfer.deck --loopback 2 --runs 500)";

constexpr char kCheckDescription[] =
    "Explore every schedule of a deck and list every reachable outcome";

constexpr char kCheckFooter[] =
    R"(Where `run` samples seeded shuffles, `check` walks every schedule (pruning
those that only reorder independent steps) and answers for all of them: each
reachable outcome with a shortest schedule reaching it, whether the expects
hold always, sometimes or never, whether an await can miss its callback and
whether a run error is reachable. Each outcome that breaks an expect or
misses a callback is told card by card; its schedule replays with
`run DECK --schedule FILE`.

Examples:
  cardflow-coordinator check examples/transfer.deck
  cardflow-coordinator check examples/transfer.deck --ordering none
  cardflow-coordinator check examples/store_buffering.deck --format json

Exit status: 0 the expects always hold, no await can miss its callback and no
run error is reachable; 1 otherwise; 2 bad deck or bad arguments; 4 the
search stopped at --max-states before it was complete.)";

constexpr char kDemoDescription[] = "Show what cardflow is for, in one screen";

constexpr char kServeDescription[] = "Serve the reports in a folder over HTTP";

constexpr char kServeFooter[] =
    R"(Serves the report sets that `run --reports DIR` and `demo --reports DIR`
leave in DIR: an index at / (newest first, with each run's deck, ordering,
runs and verdict), the files at /reports/NAME, and /latest, which redirects
to the newest HTML page (/latest.json and /latest.trace.json likewise).
Reports written while it runs appear at once. Prints the address it serves
on; stops on SIGINT or SIGTERM.

Examples:
  cardflow-coordinator run examples/transfer.deck --ordering none --reports reports
  cardflow-coordinator serve --http :8080 --reports reports
  CARDFLOW_REPORTS=/reports cardflow-coordinator demo && \
      CARDFLOW_REPORTS=/reports cardflow-coordinator serve --http :8080)";

constexpr char kDemoFooter[] = R"(Tells the story with the example decks built into the program: the
transfer deck shuffled without callbacks (several outcomes, lost updates)
and with them (one outcome), then the parallel deck on 1 and 2 worker
threads (wall time and speed-up). With --node (two nodes) or --loopback 2
the stacks run on worker nodes instead: A on the first node, B on the
second (in network order unless --shuffle seeded), and the parallel deck on
one node vs two. Last, the same seeds of the transfer deck run locally and
on the nodes under --shuffle seeded, side by side: identical (with no
placement flag, on two nodes embedded in this process; not with --local).

Examples:
  cardflow-coordinator demo --local
  cardflow-coordinator demo --loopback 2
  cardflow-coordinator demo --node X=127.0.0.1:7001 --node Y=127.0.0.1:7002)";

// 5000 ms -> "5", 500 ms -> "0.5".
std::string FormatSeconds(std::chrono::milliseconds duration) {
  std::ostringstream out;
  out << static_cast<double>(duration.count()) / 1000.0;
  return out.str();
}

// The placement flags `run` and `demo` share. The raw words are parsed
// (and the files read) after CLI11 is done, so a bad `--node` gets the
// cluster's own message.
struct PlacementFlags {
  std::vector<std::string> nodes;
  std::string connect_timeout;   // --connect-timeout, as given
  std::optional<int> in_flight;  // --in-flight
  std::string nodes_file;
  std::vector<std::string> place;
  LinkSecurityFiles security;
};

void AddPlacementFlags(CLI::App* cmd, PlacementOptions& placement, PlacementFlags& flags) {
  cmd->add_flag("--local", placement.local_flag,
                "Run every stack in this process (the default while no node is named)");
  cmd->add_option("--node", flags.nodes,
                  "A cardflow-node to run stacks on, as NAME=HOST:PORT; repeat it\n"
                  "for each node. A stack goes to the node its `on NAME` names,\n"
                  "otherwise stacks are spread over the nodes in this order")
      ->option_text("NAME=HOST:PORT ...");
  cmd->add_option("--nodes-file", flags.nodes_file,
                  "Read the nodes from FILE: one NAME=HOST:PORT a line, `#` starts a\n"
                  "comment; they come before any --node, in the file's order")
      ->option_text("FILE");
  cmd->add_option("--loopback", placement.loopback,
                  "Start N nodes inside this process on 127.0.0.1 (an embedded\n"
                  "cluster, no setup); they take the names the deck's `on` hints use")
      ->check(CLI::Range(1, 64))
      ->option_text("N");
  cmd->add_option("--place", flags.place, "Put stack A on node X, overriding the deck's hint")
      ->option_text("A=X ...");
  cmd->add_option("--tls-ca", flags.security.tls_ca,
                  "Speak TLS to the nodes and verify them with this CA (PEM)")
      ->option_text("FILE");
  cmd->add_option("--tls-cert", flags.security.tls_cert,
                  "Client certificate (PEM) for nodes that require one (mutual TLS)")
      ->option_text("FILE");
  cmd->add_option("--tls-key", flags.security.tls_key, "Private key (PEM) of --tls-cert")
      ->option_text("FILE");
  cmd->add_option("--token-file", flags.security.token_file,
                  "Send the shared token in FILE with every call to the nodes")
      ->option_text("FILE");
  cmd->add_option("--connect-timeout", flags.connect_timeout,
                  "How long each node may take to answer the first ping (it may still\n"
                  "be starting); a node that has not answered by then fails the run\n"
                  "(exit status 3), one whose host refuses the connection (nothing\n"
                  "listens there) at once. Fractions are fine: 0.5")
      ->option_text("SECONDS (default: " +
                    FormatSeconds(std::chrono::milliseconds(placement.connect_timeout)) + ")");
  cmd->add_option("--in-flight", flags.in_flight,
                  "Nodes only: runs in flight at once on the nodes; more keeps the\n"
                  "nodes busy while each run waits on the network; the report does\n"
                  "not depend on it")
      ->check(CLI::Range(1, kMaxRunsInFlight))
      ->option_text("N (default: " + std::to_string(placement.in_flight) + ")");
}

// --connect-timeout's word as a duration: seconds, above 0 and at most an hour.
std::optional<std::string> ParseConnectTimeout(const std::string& word,
                                               std::chrono::milliseconds& timeout) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), seconds);
  if (word.empty() || error != std::errc() || end != word.data() + word.size() ||
      !(seconds >= 0.001 && seconds <= 3600)) {
    return "--connect-timeout " + word +
           ": expected a number of seconds from 0.001 to 3600, such as 5 or 0.5";
  }
  timeout = std::chrono::milliseconds(std::llround(seconds * 1000));
  return std::nullopt;
}

// Turns the placement words into options; the message on failure.
std::optional<std::string> ResolvePlacement(const PlacementFlags& flags,
                                            PlacementOptions& placement) {
  std::vector<NodeAddress> flagged;
  for (const std::string& word : flags.nodes) {
    StatusOr<NodeAddress> node = ParseNodeFlag(word);
    if (!node.ok()) return node.status().message();
    flagged.push_back(*std::move(node));
  }
  std::vector<NodeAddress> listed;
  if (!flags.nodes_file.empty()) {
    StatusOr<std::vector<NodeAddress>> read = ReadNodeListFile(flags.nodes_file);
    if (!read.ok()) return read.status().message();
    listed = *std::move(read);
  }
  StatusOr<std::vector<NodeAddress>> nodes = MergeNodeLists(listed, flags.nodes_file, flagged);
  if (!nodes.ok()) return nodes.status().message();
  placement.nodes = *std::move(nodes);
  for (const std::string& word : flags.place) {
    auto place = ParsePlaceFlag(word);
    if (!place.ok()) return place.status().message();
    placement.place.push_back(*std::move(place));
  }
  const int ways = (placement.local_flag ? 1 : 0) + (placement.nodes.empty() ? 0 : 1) +
                   (placement.loopback > 0 ? 1 : 0);
  if (ways > 1) {
    return std::string("choose one placement: --local, --node/--nodes-file or --loopback");
  }
  if (!placement.place.empty() && placement.Local()) {
    return std::string("--place needs nodes (--node or --loopback)");
  }
  if (!flags.connect_timeout.empty()) {
    if (placement.Local()) {
      return std::string("--connect-timeout needs nodes (--node, --nodes-file or --loopback)");
    }
    if (auto problem = ParseConnectTimeout(flags.connect_timeout, placement.connect_timeout)) {
      return problem;
    }
  }
  if (flags.in_flight) {
    if (placement.Local()) {
      return std::string("--in-flight needs nodes (--node, --nodes-file or --loopback)");
    }
    placement.in_flight = *flags.in_flight;
  }
  if (flags.security.any()) {
    if (placement.nodes.empty()) {
      return std::string(
          "--tls-ca, --tls-cert, --tls-key and --token-file secure the links to --node / "
          "--nodes-file nodes (--loopback nodes run in this process, over plaintext)");
    }
    StatusOr<LinkSecurity> links = LinkSecurity::Load(flags.security);
    if (!links.ok()) return links.status().message();
    placement.links = *std::move(links);
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

// --reports DIR, which `run`, `demo` and `serve` share; CARDFLOW_REPORTS
// names it for all three (a container sets it once).
CLI::Option* AddReportsFlag(CLI::App* cmd, std::string& dir, const std::string& what) {
  return cmd->add_option("--reports", dir, what)
      ->envname("CARDFLOW_REPORTS")
      ->option_text("DIR (or $CARDFLOW_REPORTS)");
}

// --metrics / --metrics-linger, which `run` and `demo` share.
void AddMetricsFlags(CLI::App* cmd, MetricsOptions& metrics) {
  CLI::Option* listen =
      cmd->add_option("--metrics", metrics.listen,
                      "Serve Prometheus metrics on HOST:PORT at /metrics while this runs\n"
                      "(port 0 picks one; the address is logged at info)")
          ->option_text("HOST:PORT");
  cmd->add_flag("--metrics-linger", metrics.linger,
                "After the report, keep serving /metrics until SIGINT or SIGTERM\n"
                "(for a last scrape); the exit status is the report's")
      ->needs(listen);
}

// --shuffle, which `run` and `demo` share; read as a word into `shuffle`.
void AddShuffleFlag(CLI::App* cmd, std::string& shuffle) {
  cmd->add_option("--shuffle", shuffle,
                  "Who orders the visible steps of each run. seeded: the seeded\n"
                  "scheduler, so a seed gives one schedule and the same report on\n"
                  "every placement (nodes take each step when the coordinator says);\n"
                  "network: nobody, the nodes and the network do (nodes only)")
      ->check(CLI::IsMember({"seeded", "network"}))
      ->option_text("seeded|network (default: seeded locally, network on nodes)");
}

// The shuffle a command line asks for; an error message when it cannot be.
std::optional<std::string> ResolveShuffle(const std::string& word, const PlacementOptions& where,
                                          bool has_schedule, std::optional<Shuffle>& shuffle) {
  if (!word.empty()) shuffle = word == "network" ? Shuffle::kNetwork : Shuffle::kSeeded;
  if (shuffle == Shuffle::kNetwork && where.Local()) {
    return "--shuffle network needs nodes (--node or --loopback): a local run is always seeded";
  }
  if (shuffle == Shuffle::kNetwork && has_schedule) {
    return "--schedule needs --shuffle seeded: under the network shuffle nobody follows a "
           "schedule";
  }
  if (!shuffle && has_schedule) shuffle = Shuffle::kSeeded;
  return std::nullopt;
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
  std::string run_shuffle, demo_shuffle;
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
      ->check(WholeNumber(1, 1'000'000'000))
      ->option_text("N (default: " + std::to_string(run.runs) + ")");
  run_cmd->add_option("--seed", run.seed, "Seed of the first run; run i uses seed + i")
      ->check(WholeNumber(0, std::numeric_limits<uint64_t>::max()))
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
  run_cmd->add_flag("--progress", run.progress,
                    "Show progress (runs done, rate, time left) on stderr even when it\n"
                    "is not a terminal: then as a plain line every second");

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
  AddReportsFlag(run_cmd, run.exports.reports,
                 "Also leave a report set in DIR for `serve`: the HTML page, the JSON\n"
                 "report, the trace and the ShiViz log (of one run: for remote placement,\n"
                 "a run the nodes made)");
  std::string compare_ordering;
  run_cmd
      ->add_option("--compare-ordering", compare_ordering,
                   "Run the deck again with this ordering and the same seeds, and put\n"
                   "both side by side in the --report / --reports page, stepping\n"
                   "together with their differences outlined")
      ->check(CLI::IsMember({"callbacks", "none"}))
      ->option_text("callbacks|none");
  AddMetricsFlags(run_cmd, run.metrics);
  AddShuffleFlag(run_cmd, run_shuffle);
  run_cmd
      ->add_option("--schedule", run.schedule_path,
                   "Replay a schedule (steps `A` and `A>B`, as `check` and every\n"
                   "report's outcomes print them): every run takes its steps first,\n"
                   "the seed picks the rest; checked before anything runs. On nodes\n"
                   "it implies --shuffle seeded (not with --shuffle network)")
      ->option_text("FILE");
  run_cmd->add_flag(
      "--no-check", [&run](int64_t) { run.check = false; },
      "Do not compare the outcomes seen with the reachable ones (done\n"
      "when the deck has at most 200,000 states)");

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", kDemoDescription);
  demo_cmd->footer(kDemoFooter);
  PlacementFlags demo_flags;
  AddPlacementFlags(demo_cmd, demo.placement, demo_flags);
  AddLogFlags(demo_cmd, demo.log, log_format);
  demo_cmd
      ->add_option("--report", demo.exports.html,
                   "Write transfer.deck naive vs callbacks as one HTML page, side by side")
      ->option_text("FILE.html");
  AddReportsFlag(demo_cmd, demo.exports.reports,
                 "Also leave that page, the JSON reports, a trace and a ShiViz log of\n"
                 "the naive run in DIR for `serve`");
  AddMetricsFlags(demo_cmd, demo.metrics);
  AddShuffleFlag(demo_cmd, demo_shuffle);

  CheckCommandOptions check;
  std::string check_ordering = "callbacks";
  std::string check_format = "text";
  CLI::App* check_cmd = app.add_subcommand("check", kCheckDescription);
  check_cmd->footer(kCheckFooter);
  check_cmd->add_option("deck", check.deck_path, "The deck file to check")
      ->required()
      ->option_text("FILE REQUIRED");
  check_cmd
      ->add_option("--ordering", check_ordering,
                   "callbacks: `await` waits for its callback; none: it takes one\n"
                   "only if one has already arrived")
      ->check(CLI::IsMember({"callbacks", "none"}))
      ->option_text("callbacks|none (default: callbacks)");
  check_cmd
      ->add_option("--format", check_format,
                   "text: herd7-style states and verdict, then each bad outcome told\n"
                   "card by card; json: one object (see README.md)")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json (default: text)");
  check_cmd
      ->add_option("--max-states", check.max_states,
                   "Stop after N distinct states (about 50 bytes each): the answer is\n"
                   "then partial and the exit status 4")
      ->check(WholeNumber(1, 1'000'000'000))
      ->option_text("N (default: " + std::to_string(check.max_states) + ")");
  check_cmd->add_flag(
      "--no-reduction", [&check](int64_t) { check.reduction = false; },
      "Follow every enabled step from every state (the plain search)");
  check_cmd
      ->add_option("--report", check.report_html,
                   "Write an HTML page: every outcome with its verdict and its\n"
                   "witness drawn as a space-time diagram")
      ->option_text("FILE.html");

  ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", kServeDescription);
  serve_cmd->footer(kServeFooter);
  serve_cmd
      ->add_option("--http", serve.http,
                   "Where to listen: :PORT (every interface), HOST:PORT or [IPv6]:PORT;\n"
                   "port 0 picks a free one (the address is printed)")
      ->option_text("ADDR (default: 127.0.0.1:8080, this machine only)");
  AddReportsFlag(serve_cmd, serve.reports, "The reports folder to serve (made if missing)")
      ->option_text(std::string("DIR (default: $CARDFLOW_REPORTS, else ") + kDefaultReportsDir +
                    ")");
  AddLogFlags(serve_cmd, serve.log, log_format);

  // CLI11 would only say "A subcommand is required" for `cardflow-coordinator fly`.
  const std::vector<std::string> commands = {"run", "check", "demo", "serve"};
  if (argc >= 2 && argv[1][0] != '-' &&
      std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
    // The commands are a short fixed list, like keywords: `rn` is one edit
    // from `run` and from nothing else.
    Closest meant(argv[1], KeywordEdits(argv[1]));
    for (const std::string& command : commands) meant.Offer(command);
    return CliExit{2, "",
                   std::string("Unknown command: ") + argv[1] +
                       " (the commands are run, check, demo and serve)" + meant.DidYouMean() +
                       "\nRun with --help for more information.\n"};
  }

  if (std::optional<CommandLineExit> exit = ParseCommandLineOrExit(app, argc, argv)) {
    return CliExit{exit->code, std::move(exit->out), std::move(exit->err)};
  }
  if (check_cmd->parsed()) {
    check.ordering = check_ordering == "none" ? Ordering::kNone : Ordering::kCallbacks;
    check.json = check_format == "json";
    return check;
  }
  if (serve_cmd->parsed()) {
    serve.log.format = *ParseLogFormat(log_format);
    return serve;
  }
  const bool is_run = run_cmd->parsed();
  (is_run ? run.log : demo.log).format = *ParseLogFormat(log_format);
  if (auto problem = ResolvePlacement(is_run ? run_flags : demo_flags,
                                      is_run ? run.placement : demo.placement)) {
    return CliExit{2, "", *problem + "\nRun with --help for more information.\n"};
  }
  if (auto problem = is_run ? ResolveShuffle(run_shuffle, run.placement, !run.schedule_path.empty(),
                                             run.shuffle)
                            : ResolveShuffle(demo_shuffle, demo.placement, false, demo.shuffle)) {
    return CliExit{2, "", *problem + "\nRun with --help for more information.\n"};
  }
  if (is_run && run.runs - 1 > std::numeric_limits<uint64_t>::max() - run.seed) {
    return CliExit{2, "",
                   "--seed " + std::to_string(run.seed) + " with --runs " +
                       std::to_string(run.runs) + " would need seeds past " +
                       std::to_string(std::numeric_limits<uint64_t>::max()) +
                       ", the largest\nRun with --help for more information.\n"};
  }
  if (is_run) {
    run.ordering = ordering == "none" ? Ordering::kNone : Ordering::kCallbacks;
    if (!compare_ordering.empty()) {
      run.compare_ordering = compare_ordering == "none" ? Ordering::kNone : Ordering::kCallbacks;
      std::string problem;
      if (*run.compare_ordering == run.ordering) {
        problem = "--compare-ordering " + compare_ordering +
                  " is the ordering being run; compare with the other one";
      } else if (run.exports.html.empty() && run.exports.reports.empty()) {
        problem =
            "--compare-ordering needs --report FILE.html or --reports DIR (the page "
            "shows the comparison)";
      }
      if (!problem.empty()) {
        return CliExit{2, "", problem + "\nRun with --help for more information.\n"};
      }
    }
    run.format = format == "json" ? OutputFormat::kJson : OutputFormat::kText;
    return run;
  }
  return demo;
}

}  // namespace cardflow
