// Proxy: the links of one cardflow-chaos process and the single Asio
// executor (one thread) that runs them.
//
// All proxy state — links, connections, toxics — is touched only on that
// executor, so it needs no locks. Other threads (the control server's) get
// in through Run(), which posts the work there and hands back a future.
//
// Lifecycle: AddLink() for each link, Start(), then Run() at will (links
// come and go through CreateLink/RemoveLink on the executor); Stop() (or the
// destructor) closes everything and joins the thread.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "chaos/link.h"
#include "chaos/link_spec.h"
#include "chaos/status.h"

namespace cardflow::chaos {

class Proxy {
 public:
  // `seed` makes every random draw of the proxy reproducible (toxic_chain.h).
  explicit Proxy(uint64_t seed);
  ~Proxy();  // Stop()
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Adds a link and binds its listening socket; the bound endpoint.
  // AlreadyExists for a name already in use, Unavailable if the OS
  // refuses. Before Start() on the thread that will call Start(), or on the
  // executor.
  StatusOr<asio::ip::tcp::endpoint> AddLink(const LinkSpec& spec);

  // Adds a link, listening if `enabled`; the link (owned by the proxy, valid
  // until removed). AlreadyExists for a name in use, Unavailable if the OS
  // refuses to listen (then nothing is added). Same threads as AddLink.
  StatusOr<Link*> CreateLink(const LinkSpec& spec, bool enabled);

  // Stops the link of that name (closing its connections) and removes it;
  // NotFound if there is none. On the executor.
  Status RemoveLink(std::string_view name);

  // Starts the executor's thread: links accept and forward from now on.
  void Start();

  // Closes every link and connection and joins the thread. Idempotent.
  void Stop();

  // Runs `fn(proxy)` on the executor; the future of its result. Any thread.
  // After Stop() the work never runs: its future stays unready until the
  // Proxy is destroyed, then reports broken_promise (wait with a timeout).
  template <typename Fn>
  auto Run(Fn fn) -> std::future<std::invoke_result_t<Fn, Proxy&>> {
    using Result = std::invoke_result_t<Fn, Proxy&>;
    auto task = std::make_shared<std::packaged_task<Result()>>(
        [this, fn = std::move(fn)]() mutable { return fn(*this); });
    std::future<Result> result = task->get_future();
    asio::post(io_, [task] { (*task)(); });
    return result;
  }

  // On the executor only (inside Run):
  // The link of that name, or null.
  Link* FindLink(std::string_view name);
  // Every link, by name.
  const std::map<std::string, std::unique_ptr<Link>, std::less<>>& links() const { return links_; }

  uint64_t seed() const { return seed_; }

 private:
  const uint64_t seed_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  // Declared after io_: links (and their sockets) go before the io_context.
  std::map<std::string, std::unique_ptr<Link>, std::less<>> links_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace cardflow::chaos
