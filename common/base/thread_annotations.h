// Clang's thread-safety annotations (-Wthread-safety), as macros that are
// empty on other compilers. The names are Abseil's and the Clang manual's
// (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html):
//
//   Mutex mutex_;
//   int count_ GUARDED_BY(mutex_);           // read or written only with mutex_ held
//   void BumpLocked() REQUIRES(mutex_);      // the caller holds mutex_
//   void Bump() EXCLUDES(mutex_);            // the caller must not hold it (it locks it)
//
// The `clang` preset (CMakePresets.json) builds with -Wthread-safety
// -Werror=thread-safety, so a guarded member touched without its lock is a
// compile error there. Only capabilities the analysis knows count: use
// cardflow::Mutex (common/base/mutex.h), not std::mutex, whose libstdc++
// declaration carries no annotations.
#pragma once

#if defined(__clang__)
#define CARDFLOW_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CARDFLOW_THREAD_ANNOTATION(x)
#endif

// On a class: it is a capability (a lock).
#define CAPABILITY(name) CARDFLOW_THREAD_ANNOTATION(capability(name))
// On a class: an RAII object that holds a capability for its lifetime.
#define SCOPED_CAPABILITY CARDFLOW_THREAD_ANNOTATION(scoped_lockable)
// Abseil's legacy header (absl/base/internal/thread_annotations.h, which
// gRPC's headers include) defines GUARDED_BY, PT_GUARDED_BY and
// NO_THREAD_SAFETY_ANALYSIS with the same meaning: whichever comes first
// serves.
// On a member: read or written only with the capability held.
#ifndef GUARDED_BY
#define GUARDED_BY(x) CARDFLOW_THREAD_ANNOTATION(guarded_by(x))
#endif
// On a pointer member: what it points to is guarded.
#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) CARDFLOW_THREAD_ANNOTATION(pt_guarded_by(x))
#endif
// On a mutex member: the lock order (checked with -Wthread-safety-beta).
#ifndef ACQUIRED_AFTER
#define ACQUIRED_AFTER(...) CARDFLOW_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#endif
#ifndef ACQUIRED_BEFORE
#define ACQUIRED_BEFORE(...) CARDFLOW_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#endif
// On a function: the caller holds the capability (exclusively / shared).
#define REQUIRES(...) CARDFLOW_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) CARDFLOW_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: the caller must not hold the capability (the function takes it).
#define EXCLUDES(...) CARDFLOW_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it acquires / releases the capability.
#define ACQUIRE(...) CARDFLOW_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) CARDFLOW_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) CARDFLOW_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// On a function: tells the analysis the capability is held here (checked
// at run time by nothing: use only where the analysis cannot follow, such
// as a callback that is documented to run under the lock).
#define ASSERT_CAPABILITY(x) CARDFLOW_THREAD_ANNOTATION(assert_capability(x))
// On a function: returns a reference to the capability.
#define RETURN_CAPABILITY(x) CARDFLOW_THREAD_ANNOTATION(lock_returned(x))
// On a function: the analysis skips it. Say why beside it.
#ifndef NO_THREAD_SAFETY_ANALYSIS
#define NO_THREAD_SAFETY_ANALYSIS CARDFLOW_THREAD_ANNOTATION(no_thread_safety_analysis)
#endif
