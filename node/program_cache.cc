#include "node/program_cache.h"

#include "common/deck/load.h"

namespace cardflow {

StatusOr<std::shared_ptr<const Program>> ProgramCache::Get(std::string_view text,
                                                           std::string_view name,
                                                           Ordering ordering) {
  {
    MutexLock lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->ordering == ordering && it->name == name && it->text == text) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().program;
      }
    }
  }
  // Compile outside the lock: a big deck must not stall other assignments.
  LoadResult loaded = LoadDeck(text, name, ordering);
  if (!loaded.program) {
    return InvalidArgumentError("the assigned deck does not load:\n" +
                                FormatDiagnostics(loaded.errors));
  }
  auto program = std::make_shared<const Program>(*std::move(loaded.program));
  MutexLock lock(mutex_);
  entries_.push_front(Entry{std::string(text), std::string(name), ordering, program});
  if (entries_.size() > capacity_) entries_.pop_back();
  return program;
}

}  // namespace cardflow
