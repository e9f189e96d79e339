#include "node/program_cache.h"

#include <utility>

namespace cardflow {

std::shared_ptr<const NodeProgram> ProgramCache::Find(std::string_view key) {
  MutexLock lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().program;
    }
  }
  return nullptr;
}

void ProgramCache::Put(std::string_view key, std::shared_ptr<const NodeProgram> program) {
  MutexLock lock(mutex_);
  entries_.remove_if([&](const Entry& e) { return e.key == key; });
  entries_.push_front(Entry{std::string(key), std::move(program)});
  if (entries_.size() > capacity_) entries_.pop_back();
}

}  // namespace cardflow
