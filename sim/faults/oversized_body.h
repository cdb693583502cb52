#ifndef HSS_SIM_FAULTS_OVERSIZED_BODY_H_
#define HSS_SIM_FAULTS_OVERSIZED_BODY_H_

#include <cstdint>
#include <string>

namespace hss::sim {

// Streams a valid-looking ListPorts body of exactly `total_bytes` bytes:
// `{"total_num":N,"data_list":[R,R,...,R   ]}` (one record repeated, padded with spaces), so a
// client must enforce its own size limit. Bodies too small for that frame are the frame's
// first `total_bytes` bytes. Memory use is O(record size) regardless of total_bytes.
class OversizedBody {
 public:
  // `record_json` is one serialized PortResponseInfo object.
  OversizedBody(uint64_t total_bytes, std::string record_json);

  // Appends up to `max_bytes` of what is left to `out`; returns how many were appended.
  size_t Next(size_t max_bytes, std::string& out);

  // True once all total_bytes were produced.
  bool done() const { return pos_ >= total_; }

 private:
  uint64_t total_;
  std::string prefix_;
  std::string record_;
  std::string suffix_ = "]}";
  uint64_t records_ = 0;  // How many records fit.
  uint64_t pos_ = 0;
};

}  // namespace hss::sim

#endif  // HSS_SIM_FAULTS_OVERSIZED_BODY_H_
