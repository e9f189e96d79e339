// cardflow-chaos: a fault-injection TCP proxy that speaks Toxiproxy's HTTP
// API.
//
//   cardflow-chaos [--link NAME=LISTEN_HOST:LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT ...]
//                  [--config FILE] [--toxic LINK=JSON ...] [--control HOST:PORT]
//                  [--seed S] [--log-level info] [--log-format text|json]
//
// Each --link (and each proxy of --config, a JSON array as POST /populate
// takes, like `toxiproxy-server -config`) is a proxy from the start. Prints
// `link NAME listening on HOST:PORT` per listening proxy and then
// `control listening on HOST:PORT` on stdout once it serves (port 0 picks a
// free port; the --toxic toxics are in place by then), logs to stderr, and
// on SIGINT/SIGTERM closes everything and exits 0. Its log lines are the
// node's and the coordinator's (base/logger.h), text or JSON. Exit status 1 when it
// cannot serve, 2 for bad arguments (a bad --config file included).
// docs/chaos.md describes the toxics and the API.
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "base/command_line.h"
#include "base/logger.h"
#include "chaos/control_api.h"
#include "chaos/control_server.h"
#include "chaos/host_port.h"
#include "chaos/link_spec.h"
#include "chaos/proxy.h"
#include "chaos/toxic_flag.h"
#include "chaos/toxic_json.h"

namespace {

constexpr char kDescription[] = R"(cardflow-chaos: a TCP proxy that injects faults on purpose,
driven by Toxiproxy's HTTP API (any Toxiproxy client works).

Each --link NAME=LISTEN_HOST:LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT is a
proxy NAME that forwards connections made to the listen address on to the
upstream address, through the toxics set on it with the API (default
127.0.0.1:8474, as toxiproxy-server):

  GET    /proxies                       every proxy, with its toxics
  POST   /proxies                       create {"name","listen","upstream","enabled"}
  POST   /populate                      create or replace a list of proxies
  GET    /proxies/NAME                  one proxy
  PATCH  /proxies/NAME                  {"enabled": false} refuses connections ("down")
  DELETE /proxies/NAME                  remove it
  GET    /proxies/NAME/toxics           its toxics
  POST   /proxies/NAME/toxics           add {"name","type","stream","toxicity","attributes"}
  GET    /proxies/NAME/toxics/TOXIC     one toxic
  PATCH  /proxies/NAME/toxics/TOXIC     change {"toxicity", "attributes"}
  DELETE /proxies/NAME/toxics/TOXIC     remove it
  POST   /reset                         every proxy enabled, every toxic removed
  GET    /version

Toxic types (attributes): latency (latency ms, jitter ms), bandwidth (rate
KB/s), slicer (average_size, size_variation bytes, delay us), reset_peer
(timeout ms), timeout (timeout ms, 0 = never close), slow_close (delay ms),
limit_data (bytes). stream is "upstream" (client to server) or "downstream"
(server to client). --toxic LINK=JSON adds a toxic at start, JSON as in
POST /proxies/LINK/toxics.
Example: --link node_a=127.0.0.1:0:127.0.0.1:7001 --control 127.0.0.1:8474
         --toxic 'node_a={"type":"latency","attributes":{"latency":20,"jitter":5}}')";

int Fail(int code, const std::string& message) {
  spdlog::error("{}", message);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> link_texts;
  std::vector<std::string> toxic_texts;
  std::string config_path;
  std::string control_text = "127.0.0.1:8474";
  uint64_t seed = std::random_device{}();
  cardflow::LogOptions log;
  std::string log_format = "text";
  CLI::App app{kDescription};
  app.set_version_flag("--version", "cardflow-chaos " CARDFLOW_VERSION);
  app.add_option("--link", link_texts,
                 "a proxy NAME from the listen address to the upstream one; repeat for more "
                 "links; IPv6 hosts in brackets")
      ->option_text("NAME=LISTEN_HOST:LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT ...");
  app.add_option("--config", config_path,
                 "a JSON file of proxies, as the body of POST /populate, created at start "
                 "(as toxiproxy-server -config)")
      ->option_text("FILE");
  app.add_option("--toxic", toxic_texts,
                 "a toxic on proxy LINK from the start, JSON as the body of "
                 "POST /proxies/LINK/toxics; repeat for more, added in order")
      ->option_text("LINK=JSON ...");
  std::string host;
  int port = -1;
  app.add_option("--control", control_text, "the HTTP control API; port 0 picks one")
      ->option_text("HOST:PORT (default: " + control_text + ")");
  // toxiproxy-server's flags, so its command lines work here too.
  app.add_option("--host", host, "the host of --control (as toxiproxy-server -host)")
      ->option_text("HOST");
  app.add_option("--port", port, "the port of --control (as toxiproxy-server -port)")
      ->check(CLI::Range(0, 65535))
      ->option_text("PORT (0 to 65535)");
  app.add_option("--seed", seed, "seed of every random draw (jitter, slices, toxicity)")
      ->check(cardflow::WholeNumber(0, std::numeric_limits<uint64_t>::max()))
      ->option_text("S (default: random, logged at start)");
  app.add_option("--log-level", log.level, "log lines on stderr at this level and above")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->option_text("trace|debug|info|warn|error|off (default: info)");
  app.add_option("--log-format", log_format,
                 "text: human lines; json: one object per line (time, level, message), "
                 "as cardflow-node and cardflow-coordinator")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json (default: text)");
  if (const auto exit = cardflow::ParseCommandLineOrExit(app, argc, argv)) return exit->Print();
  log.format = *cardflow::ParseLogFormat(log_format);
  // The coordinator's and the nodes' line, text or JSON.
  spdlog::set_default_logger(cardflow::MakeStderrLogger("program", "cardflow-chaos", log));

  std::vector<cardflow::chaos::LinkSpec> links;
  for (const std::string& text : link_texts) {
    cardflow::chaos::StatusOr<cardflow::chaos::LinkSpec> link =
        cardflow::chaos::ParseLinkSpec(text);
    if (!link.ok()) return Fail(2, link.status().message());
    links.push_back(*std::move(link));
  }
  std::vector<cardflow::chaos::ToxicFlag> toxics;
  for (const std::string& text : toxic_texts) {
    cardflow::chaos::StatusOr<cardflow::chaos::ToxicFlag> toxic =
        cardflow::chaos::ParseToxicFlag(text);
    if (!toxic.ok()) return Fail(2, toxic.status().message());
    toxics.push_back(*std::move(toxic));
  }
  nlohmann::json config;
  if (!config_path.empty()) {
    std::ifstream file(config_path);
    if (!file) return Fail(2, "--config " + config_path + ": cannot read it");
    config = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded()) return Fail(2, "--config " + config_path + ": not valid JSON");
  }
  cardflow::chaos::StatusOr<cardflow::chaos::HostPort> control =
      cardflow::chaos::ParseHostPort(control_text, "--control");
  if (!control.ok()) return Fail(2, control.status().message());
  if (!host.empty()) control->host = host;
  if (port >= 0) control->port = static_cast<uint16_t>(port);

  // Signals are taken by sigwait below, never by a handler on some thread:
  // block them before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  spdlog::info("seed {}", seed);
  cardflow::chaos::Proxy proxy(seed);
  std::vector<std::string> ready;
  for (const cardflow::chaos::LinkSpec& link : links) {
    const auto endpoint = proxy.AddLink(link);
    if (!endpoint.ok()) {
      const bool bad = endpoint.status().code() == cardflow::chaos::StatusCode::kAlreadyExists;
      return Fail(bad ? 2 : 1, "link " + link.name + ": " + endpoint.status().message());
    }
    ready.push_back("link " + link.name + " listening on " +
                    cardflow::chaos::EndpointToString(*endpoint));
    spdlog::info("link {}: {} -> {}", link.name, cardflow::chaos::EndpointToString(*endpoint),
                 link.upstream.ToString());
  }
  if (!config_path.empty()) {
    cardflow::chaos::PopulateResult populated = cardflow::chaos::PopulateProxies(proxy, config);
    if (!populated.status.ok()) {
      const bool bad = populated.status.code() == cardflow::chaos::StatusCode::kInvalidArgument ||
                       populated.status.code() == cardflow::chaos::StatusCode::kAlreadyExists;
      return Fail(bad ? 2 : 1, "--config " + config_path + ": " + populated.status.message());
    }
    for (const cardflow::chaos::Link* link : populated.proxies) {
      if (link->enabled()) {
        ready.push_back("link " + link->spec().name + " listening on " + link->listen_address());
      }
      spdlog::info("proxy {} from --config: {}", link->spec().name,
                   cardflow::chaos::LinkToJson(*link).dump());
    }
  }
  proxy.Start();
  for (cardflow::chaos::ToxicFlag& toxic : toxics) {
    const std::string what = "--toxic " + toxic.spec.name + " on link " + toxic.link;
    const cardflow::chaos::Status added =
        proxy
            .Run([&toxic](cardflow::chaos::Proxy& p) {
              cardflow::chaos::Link* link = p.FindLink(toxic.link);
              if (link == nullptr) {
                return cardflow::chaos::NotFoundError(
                    "there is no --link or --config proxy named " + toxic.link);
              }
              return link->AddToxic(toxic.spec);
            })
            .get();
    if (!added.ok()) return Fail(2, what + ": " + added.message());
    spdlog::info("{}: {}", what, cardflow::chaos::ToxicSpecToJson(toxic.spec).dump());
  }
  cardflow::chaos::ControlServer server(proxy);
  const auto bound = server.Start(*control);
  if (!bound.ok()) return Fail(1, bound.status().message());
  ready.push_back("control listening on " + bound->ToString());
  for (const std::string& line : ready) std::printf("%s\n", line.c_str());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("{}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  proxy.Stop();
  return 0;
}
