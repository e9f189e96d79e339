// Happens-before edges that ThreadSanitizer cannot see by itself: the ones
// gRPC's callback API provides between our reactors' code on its threads.
//
// Debian's gRPC and Abseil are not built with TSan, so the locks and atomics
// inside them (the completion queue, the call combiner, absl::Mutex) are
// invisible to it. A reactor built on one gRPC thread and first read on
// another, or deleted in OnDone on a third, then looks like a race on our
// own memory although gRPC orders those threads. These functions tell TSan
// about the ordering gRPC promises, so that it judges our code by the same
// rules as code that synchronises through std::mutex: what remains reported
// is a race in our code.
//
// The technique is TSan's documented annotation interface
// (<sanitizer/tsan_interface.h>: `__tsan_release(addr)` before handing work
// to another thread, `__tsan_acquire(addr)` where that thread picks it up;
// an acquire sees everything done before every earlier release on the same
// address): the ANNOTATE_HAPPENS_BEFORE/AFTER of Google's
// dynamic_annotations.h (Chromium's base/third_party), shown by
// compiler-rt's own test tsan/annotate_happens_before.cpp for a barrier TSan
// cannot see, and the hooks libstdc++'s shared_ptr has for the same
// (_GLIBCXX_SYNCHRONIZATION_HAPPENS_BEFORE/AFTER). Without TSan (GCC's
// __SANITIZE_THREAD__, clang's __has_feature(thread_sanitizer)) every
// function here compiles to nothing.
//
// How a reactor uses them (node/run_stream.cc, node/deliver_stream.cc,
// node/peer_link.cc, coordinator/cluster/node_call.cc): one edge per kind of
// operation, keyed by the reactor's address, so that an edge stands for
// exactly what gRPC promises and no more:
//   - before StartRead / StartWrite: HappensBefore(Edge(this, kRead/kWrite));
//     first thing in OnReadDone / OnWriteDone: HappensAfter of the same;
//   - when the reactor is ready to be called (end of a server reactor's
//     constructor, before a client's StartCall): HappensBeforeAll(this);
//   - last thing in every reaction (ReactionEnd), after a StartWrite from
//     outside a reaction, and before Finish, StartWritesDone or RemoveHold:
//     HappensBefore(Edge(this, kDone)); first thing in OnDone:
//     HappensAfter(Edge(this, kDone)), since gRPC runs OnDone after every
//     other reaction has returned and the call is finished.
// A server reactor's OnDone may run on a thread of gRPC's executor, after
// gRPC's own code for the call's last completions (which no reaction of ours
// wraps): it also does HappensAfter(call), `call` being the call's
// grpc_call* (CallbackServerContext::c_call()), which
// proto/tsan_grpc_edges.cc releases after each completion of the call.
// A one-shot callback (a unary call's) uses its own object's address with
// HappensBefore before the call and HappensAfter first in the callback.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define CARDFLOW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CARDFLOW_TSAN 1
#endif
#endif

#ifdef CARDFLOW_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace cardflow {

// Everything this thread did so far happens before whatever a later
// HappensAfter(key) on any thread does.
inline void HappensBefore([[maybe_unused]] const void* key) {
#ifdef CARDFLOW_TSAN
  __tsan_release(const_cast<void*>(key));
#endif
}

// What this thread does from here on happens after everything done before
// any HappensBefore(key) that came earlier.
inline void HappensAfter([[maybe_unused]] const void* key) {
#ifdef CARDFLOW_TSAN
  __tsan_acquire(const_cast<void*>(key));
#endif
}

// The operations of one gRPC reactor whose completions gRPC orders after
// their start (see above).
enum class ReactorOp : unsigned char { kRead = 0, kWrite = 1, kDone = 2 };

// The key of `op` on `reactor`: a byte inside the reactor object, one per
// operation (every reactor is larger than three bytes).
inline const void* Edge(const void* reactor, ReactorOp op) {
  return static_cast<const char*>(reactor) + static_cast<unsigned char>(op);
}

// The reactor is ready for gRPC: its constructor (or Start) happens before
// each of its reactions.
inline void HappensBeforeAll(const void* reactor) {
  HappensBefore(Edge(reactor, ReactorOp::kRead));
  HappensBefore(Edge(reactor, ReactorOp::kWrite));
  HappensBefore(Edge(reactor, ReactorOp::kDone));
}

// On a reactor's stack for the whole of a reaction (not OnDone): its end
// happens before OnDone. gRPC runs OnDone only once every reaction has
// returned, so the reactor is still alive here.
class ReactionEnd {
 public:
  explicit ReactionEnd(const void* reactor) : reactor_(reactor) {}
  ReactionEnd(const ReactionEnd&) = delete;
  ReactionEnd& operator=(const ReactionEnd&) = delete;
  ~ReactionEnd() { HappensBefore(Edge(reactor_, ReactorOp::kDone)); }

 private:
  [[maybe_unused]] const void* const reactor_;
};

}  // namespace cardflow
