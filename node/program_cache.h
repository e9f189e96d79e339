// ProgramCache: the NodePrograms this node was assigned lately, by their
// key (the SHA-256 of their wire bytes, Assign.program_key). A run's
// Assign names its program by key and carries the program only when the
// coordinator believes this node has not got it, so the assignment of a run
// on a warm node is a few dozen bytes whatever the deck's size.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/mutex.h"
#include "common/deck/node_program.h"

namespace cardflow {

class ProgramCache {
 public:
  // Keeps the `capacity` programs used last.
  explicit ProgramCache(size_t capacity = 8) : capacity_(capacity) {}

  // The program stored under `key`, or null. The program stays valid as
  // long as the returned pointer.
  std::shared_ptr<const NodeProgram> Find(std::string_view key) EXCLUDES(mutex_);
  // Stores `program` under `key` (replacing what was there).
  void Put(std::string_view key, std::shared_ptr<const NodeProgram> program) EXCLUDES(mutex_);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const NodeProgram> program;
  };

  const size_t capacity_;
  Mutex mutex_;
  std::list<Entry> entries_ GUARDED_BY(mutex_);  // most recently used first
};

}  // namespace cardflow
