// InstallGrpcTsanEdges: under ThreadSanitizer, tells it about the edges
// through gRPC's library that our reactors cannot annotate themselves.
//
// gRPC's header code (the completion tags, the call op sets, the
// interceptor batch methods of <grpcpp/...>) is compiled into our binaries
// and so instrumented, while the library it hands each operation to is not.
// When an operation completes, that header code runs on the library's thread
// (reading what the starting thread wrote: the tag, the op set, a received
// message) before any reaction of ours can say HappensAfter
// (common/base/tsan_edges.h). So the edge is drawn where gRPC's own header
// code meets its library: every batch an op set starts goes through
// grpc::g_core_codegen_interface->grpc_call_start_batch, and each
// completion of the callback API comes back through the tag's functor_run.
// Installed, this wraps that interface (every other function forwarded
// as is): a batch whose tag is a callback functor gets a release on the tag,
// and the tag's functor_run is replaced by one that acquires the tag before
// calling gRPC's own, and releases the tag's call (its grpc_call*) once that
// returns: a server call's OnDone runs later on a thread of gRPC's executor,
// and acquires the call first (common/base/tsan_edges.h). Tags of the synchronous API
// (completion-queue tags, whose first word is a vtable pointer, not code) are left alone.
//
// A server's or channel's setup is the other edge gRPC hides: what a thread
// did before it built a server or a channel (the service, the interceptor
// factories, the context its handlers read) happens before what gRPC's
// threads do for it. HappensBeforeGrpc marks that point; the wrapped
// interface acquires it where gRPC's header code first runs on the
// library's thread (a handler's grpc_call_ref, a completion).
//
// Installed before main, before gRPC starts a thread (and again, doing
// nothing, by MakeChannel and ConfigureServer: proto/channel_settings.h).
// Without TSan both functions do nothing.
#pragma once

namespace cardflow {

void InstallGrpcTsanEdges();

// Everything this thread did so far happens before whatever gRPC's threads
// do from now on (call it last before BuildAndStart, or when a channel is
// ready).
void HappensBeforeGrpc();

}  // namespace cardflow
