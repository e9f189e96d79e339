#include "proto/tsan_grpc_edges.h"

#include "common/base/tsan_edges.h"

#ifdef CARDFLOW_TSAN

#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/core_codegen_interface.h>
#include <link.h>

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cardflow {

namespace {

using FunctorRun = void (*)(grpc_completion_queue_functor*, int);

// Address ranges of the loaded modules' code (PT_LOAD segments with PF_X):
// a callback tag's first word points there, a vtable pointer does not.
class CodeRanges {
 public:
  CodeRanges() {
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
          auto* ranges = static_cast<std::vector<std::pair<uintptr_t, uintptr_t>>*>(data);
          for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& header = info->dlpi_phdr[i];
            if (header.p_type != PT_LOAD || (header.p_flags & PF_X) == 0) continue;
            const uintptr_t start = info->dlpi_addr + header.p_vaddr;
            ranges->emplace_back(start, start + header.p_memsz);
          }
          return 0;
        },
        &ranges_);
  }
  bool Contains(uintptr_t address) const {
    for (const auto& [start, end] : ranges_) {
      if (address >= start && address < end) return true;
    }
    return false;
  }

 private:
  std::vector<std::pair<uintptr_t, uintptr_t>> ranges_;
};

// The key of HappensBeforeGrpc.
char grpc_setup;

// gRPC's own functor_run of each tag that has ours.
std::mutex originals_mutex;
struct Original {
  FunctorRun run;
  grpc_call* call;  // the call whose batch the tag completes
};
std::unordered_map<grpc_completion_queue_functor*, Original>* originals;

void AcquireThenRun(grpc_completion_queue_functor* tag, int ok) {
  HappensAfter(&grpc_setup);
  HappensAfter(tag);
  Original original;
  {
    std::lock_guard<std::mutex> lock(originals_mutex);
    original = originals->at(tag);
  }
  original.run(tag, ok);  // may free the tag: not touched after this
  // A server call's OnDone runs on a thread of gRPC's executor after this
  // (ScheduleOnDone): it acquires the call (see tsan_edges.h).
  HappensBefore(original.call);
}

class EdgeDrawingCodegen final : public grpc::CoreCodegenInterface {
 public:
  explicit EdgeDrawingCodegen(grpc::CoreCodegenInterface* inner) : inner_(inner) {}

  grpc_call_error grpc_call_start_batch(grpc_call* call, const grpc_op* ops, size_t nops, void* tag,
                                        void* reserved) override {
    if (tag != nullptr && reinterpret_cast<uintptr_t>(tag) % alignof(void*) == 0) {
      auto* functor = static_cast<grpc_completion_queue_functor*>(tag);
      const FunctorRun run = functor->functor_run;
      if (run == &AcquireThenRun) {
        {
          std::lock_guard<std::mutex> lock(originals_mutex);
          (*originals)[functor].call = call;
        }
        HappensBefore(tag);
      } else if (code_.Contains(reinterpret_cast<uintptr_t>(run))) {
        {
          std::lock_guard<std::mutex> lock(originals_mutex);
          (*originals)[functor] = Original{run, call};
        }
        functor->functor_run = &AcquireThenRun;
        HappensBefore(tag);
      }
    }
    return inner_->grpc_call_start_batch(call, ops, nops, tag, reserved);
  }

  void assert_fail(const char* failed_assertion, const char* file, int line) override {
    inner_->assert_fail(failed_assertion, file, line);
  }
  const grpc_completion_queue_factory* grpc_completion_queue_factory_lookup(
      const grpc_completion_queue_attributes* attributes) override {
    return inner_->grpc_completion_queue_factory_lookup(attributes);
  }
  grpc_completion_queue* grpc_completion_queue_create(
      const grpc_completion_queue_factory* factory,
      const grpc_completion_queue_attributes* attributes, void* reserved) override {
    return inner_->grpc_completion_queue_create(factory, attributes, reserved);
  }
  grpc_completion_queue* grpc_completion_queue_create_for_next(void* reserved) override {
    return inner_->grpc_completion_queue_create_for_next(reserved);
  }
  grpc_completion_queue* grpc_completion_queue_create_for_pluck(void* reserved) override {
    return inner_->grpc_completion_queue_create_for_pluck(reserved);
  }
  void grpc_completion_queue_shutdown(grpc_completion_queue* cq) override {
    inner_->grpc_completion_queue_shutdown(cq);
  }
  void grpc_completion_queue_destroy(grpc_completion_queue* cq) override {
    inner_->grpc_completion_queue_destroy(cq);
  }
  grpc_event grpc_completion_queue_pluck(grpc_completion_queue* cq, void* tag,
                                         gpr_timespec deadline, void* reserved) override {
    return inner_->grpc_completion_queue_pluck(cq, tag, deadline, reserved);
  }
  void* gpr_malloc(size_t size) override { return inner_->gpr_malloc(size); }
  void gpr_free(void* p) override { inner_->gpr_free(p); }
  void grpc_init() override { inner_->grpc_init(); }
  void grpc_shutdown() override { inner_->grpc_shutdown(); }
  void gpr_mu_init(gpr_mu* mu) override { inner_->gpr_mu_init(mu); }
  void gpr_mu_destroy(gpr_mu* mu) override { inner_->gpr_mu_destroy(mu); }
  void gpr_mu_lock(gpr_mu* mu) override { inner_->gpr_mu_lock(mu); }
  void gpr_mu_unlock(gpr_mu* mu) override { inner_->gpr_mu_unlock(mu); }
  void gpr_cv_init(gpr_cv* cv) override { inner_->gpr_cv_init(cv); }
  void gpr_cv_destroy(gpr_cv* cv) override { inner_->gpr_cv_destroy(cv); }
  int gpr_cv_wait(gpr_cv* cv, gpr_mu* mu, gpr_timespec abs_deadline) override {
    return inner_->gpr_cv_wait(cv, mu, abs_deadline);
  }
  void gpr_cv_signal(gpr_cv* cv) override { inner_->gpr_cv_signal(cv); }
  void gpr_cv_broadcast(gpr_cv* cv) override { inner_->gpr_cv_broadcast(cv); }
  grpc_byte_buffer* grpc_byte_buffer_copy(grpc_byte_buffer* bb) override {
    return inner_->grpc_byte_buffer_copy(bb);
  }
  void grpc_byte_buffer_destroy(grpc_byte_buffer* bb) override {
    inner_->grpc_byte_buffer_destroy(bb);
  }
  size_t grpc_byte_buffer_length(grpc_byte_buffer* bb) override {
    return inner_->grpc_byte_buffer_length(bb);
  }
  int grpc_byte_buffer_reader_init(grpc_byte_buffer_reader* reader,
                                   grpc_byte_buffer* buffer) override {
    return inner_->grpc_byte_buffer_reader_init(reader, buffer);
  }
  void grpc_byte_buffer_reader_destroy(grpc_byte_buffer_reader* reader) override {
    inner_->grpc_byte_buffer_reader_destroy(reader);
  }
  int grpc_byte_buffer_reader_next(grpc_byte_buffer_reader* reader, grpc_slice* slice) override {
    return inner_->grpc_byte_buffer_reader_next(reader, slice);
  }
  int grpc_byte_buffer_reader_peek(grpc_byte_buffer_reader* reader, grpc_slice** slice) override {
    return inner_->grpc_byte_buffer_reader_peek(reader, slice);
  }
  grpc_byte_buffer* grpc_raw_byte_buffer_create(grpc_slice* slice, size_t nslices) override {
    return inner_->grpc_raw_byte_buffer_create(slice, nslices);
  }
  grpc_slice grpc_slice_new_with_user_data(void* p, size_t len, void (*destroy)(void*),
                                           void* user_data) override {
    return inner_->grpc_slice_new_with_user_data(p, len, destroy, user_data);
  }
  grpc_slice grpc_slice_new_with_len(void* p, size_t len, void (*destroy)(void*, size_t)) override {
    return inner_->grpc_slice_new_with_len(p, len, destroy);
  }
  grpc_call_error grpc_call_cancel_with_status(grpc_call* call, grpc_status_code status,
                                               const char* description, void* reserved) override {
    return inner_->grpc_call_cancel_with_status(call, status, description, reserved);
  }
  int grpc_call_failed_before_recv_message(const grpc_call* c) override {
    return inner_->grpc_call_failed_before_recv_message(c);
  }
  // The first thing a server method's handler does on gRPC's thread.
  void grpc_call_ref(grpc_call* call) override {
    HappensAfter(&grpc_setup);
    inner_->grpc_call_ref(call);
  }
  void grpc_call_unref(grpc_call* call) override { inner_->grpc_call_unref(call); }
  void* grpc_call_arena_alloc(grpc_call* call, size_t length) override {
    return inner_->grpc_call_arena_alloc(call, length);
  }
  const char* grpc_call_error_to_string(grpc_call_error error) override {
    return inner_->grpc_call_error_to_string(error);
  }
  grpc_slice grpc_empty_slice() override { return inner_->grpc_empty_slice(); }
  grpc_slice grpc_slice_malloc(size_t length) override { return inner_->grpc_slice_malloc(length); }
  void grpc_slice_unref(grpc_slice slice) override { inner_->grpc_slice_unref(slice); }
  grpc_slice grpc_slice_ref(grpc_slice slice) override { return inner_->grpc_slice_ref(slice); }
  grpc_slice grpc_slice_split_tail(grpc_slice* s, size_t split) override {
    return inner_->grpc_slice_split_tail(s, split);
  }
  grpc_slice grpc_slice_split_head(grpc_slice* s, size_t split) override {
    return inner_->grpc_slice_split_head(s, split);
  }
  grpc_slice grpc_slice_sub(grpc_slice s, size_t begin, size_t end) override {
    return inner_->grpc_slice_sub(s, begin, end);
  }
  void grpc_slice_buffer_add(grpc_slice_buffer* sb, grpc_slice slice) override {
    inner_->grpc_slice_buffer_add(sb, slice);
  }
  void grpc_slice_buffer_add_indexed(grpc_slice_buffer* sb, grpc_slice slice) override {
    inner_->grpc_slice_buffer_add_indexed(sb, slice);
  }
  void grpc_slice_buffer_pop(grpc_slice_buffer* sb) override { inner_->grpc_slice_buffer_pop(sb); }
  grpc_slice grpc_slice_from_static_buffer(const void* buffer, size_t length) override {
    return inner_->grpc_slice_from_static_buffer(buffer, length);
  }
  grpc_slice grpc_slice_from_copied_buffer(const void* buffer, size_t length) override {
    return inner_->grpc_slice_from_copied_buffer(buffer, length);
  }
  void grpc_metadata_array_init(grpc_metadata_array* array) override {
    inner_->grpc_metadata_array_init(array);
  }
  void grpc_metadata_array_destroy(grpc_metadata_array* array) override {
    inner_->grpc_metadata_array_destroy(array);
  }
  const grpc::Status& ok() override { return inner_->ok(); }
  const grpc::Status& cancelled() override { return inner_->cancelled(); }
  gpr_timespec gpr_inf_future(gpr_clock_type type) override { return inner_->gpr_inf_future(type); }
  gpr_timespec gpr_time_0(gpr_clock_type type) override { return inner_->gpr_time_0(type); }

 private:
  grpc::CoreCodegenInterface* const inner_;
  const CodeRanges code_;
};

}  // namespace

void HappensBeforeGrpc() { HappensBefore(&grpc_setup); }

void InstallGrpcTsanEdges() {
  static const bool installed = [] {
    if (grpc::g_core_codegen_interface == nullptr) {
      grpc::internal::GrpcLibraryInitializer initializer;  // sets gRPC's own
    }
    originals = new std::unordered_map<grpc_completion_queue_functor*, Original>;
    grpc::g_core_codegen_interface = new EdgeDrawingCodegen(grpc::g_core_codegen_interface);
    HappensBefore(&grpc_setup);
    return true;
  }();
  (void)installed;
}

// Also before main (this file is linked wherever MakeChannel or
// ConfigureServer is): gRPC starts its threads later, so each of them sees
// the wrapper from its start.
[[maybe_unused]] const bool installed_before_main = (InstallGrpcTsanEdges(), true);

}  // namespace cardflow

#else  // !CARDFLOW_TSAN

namespace cardflow {

void InstallGrpcTsanEdges() {}
void HappensBeforeGrpc() {}

}  // namespace cardflow

#endif  // CARDFLOW_TSAN
