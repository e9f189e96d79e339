// ProgramCache: the compiled Programs of the decks this node was assigned
// lately. Every run carries its deck's text; compiling it once per node
// rather than once per run keeps a batch of 500 runs cheap. LoadDeck is
// deterministic, so a cached Program is the one the coordinator compiled.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/mutex.h"
#include "common/deck/program.h"
#include "common/status/status.h"

namespace cardflow {

class ProgramCache {
 public:
  explicit ProgramCache(size_t capacity = 8) : capacity_(capacity) {}

  // The Program of LoadDeck(text, name, ordering); INVALID_ARGUMENT with the
  // deck's diagnostics when it does not load. The Program stays valid as
  // long as the returned pointer.
  StatusOr<std::shared_ptr<const Program>> Get(std::string_view text, std::string_view name,
                                               Ordering ordering) EXCLUDES(mutex_);

 private:
  struct Entry {
    std::string text;
    std::string name;
    Ordering ordering;
    std::shared_ptr<const Program> program;
  };

  const size_t capacity_;
  Mutex mutex_;
  std::list<Entry> entries_ GUARDED_BY(mutex_);  // most recently used first
};

}  // namespace cardflow
