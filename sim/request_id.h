#ifndef HSS_SIM_REQUEST_ID_H_
#define HSS_SIM_REQUEST_ID_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace hss::sim {

// Generates X-Request-Id values: 32 lower-case hex digits, unique within the process (the low
// half is a bijection of a counter) and different across runs (random salt). Thread-safe.
class RequestIdGenerator {
 public:
  // Seeds the salt from std::random_device.
  RequestIdGenerator();

  // The next unique id.
  std::string Next();

 private:
  uint64_t salt_hi_;
  uint64_t salt_lo_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace hss::sim

#endif  // HSS_SIM_REQUEST_ID_H_
