// TuneMalloc: glibc's malloc tuned for cardflow's processes (coordinator
// and node), called first thing in main, before any thread starts.
//
// Both hold one big structure built on one thread (the coordinator its
// deck, a node its program), then serve runs whose messages are built and
// freed on gRPC's and the engine's threads:
//  - M_ARENA_MAX 1: by default every thread that allocates while another
//    holds an arena's lock gets an arena of its own (up to 8 per core), and
//    memory freed in an arena is reused by that arena only. A run's
//    transients (an Assign's program bytes, a node's batches of events and
//    results, built and freed on gRPC's threads) would each leave their
//    pages in another arena: ~40 MB of RSS above the heap on a coordinator
//    at 100,000 stacks with the default, 5 MiB more with two arenas than
//    with one on 16 nodes, and 1.6 MiB a node (bench/README.md). Small
//    blocks come from each thread's cache (glibc's tcache) without the
//    arena's lock, so one arena costs the few busy threads little
//    (cluster_bench, bench/README.md).
//  - M_MMAP_THRESHOLD 1 MiB: an allocation of 1 MiB or more (a deck's
//    text, an event vector, a big message) gets pages of its own, returned
//    to the system when freed. Setting it also stops glibc from raising the
//    threshold after such a block is freed (its default, "dynamic"
//    threshold goes up to 32 MiB), which would keep later big transients in
//    the heap.
// Both are documented mallopt(3) parameters, the same as the environment's
// MALLOC_ARENA_MAX / MALLOC_MMAP_THRESHOLD_, which still win: glibc reads
// the environment first, and mallopt is only called for those unset. Does
// nothing on other C libraries.
#pragma once

namespace cardflow {

void TuneMalloc();

}  // namespace cardflow
