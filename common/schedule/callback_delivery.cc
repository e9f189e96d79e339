#include "common/schedule/callback_delivery.h"

namespace cardflow {

std::unique_ptr<CallbackDelivery> MakeDelivery(const DeliveryFactory& factory,
                                               const Program& program) {
  if (factory) return factory(program);
  return std::make_unique<FifoDelivery>(program);
}

}  // namespace cardflow
