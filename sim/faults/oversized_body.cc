#include "sim/faults/oversized_body.h"

#include <algorithm>
#include <utility>

namespace hss::sim {

OversizedBody::OversizedBody(uint64_t total_bytes, std::string record_json)
    : total_(total_bytes), record_(std::move(record_json)) {
  const uint64_t r = record_.size() + 1;  // A record plus its ',' separator.
  // total_num claims what the body would hold, like a real (huge) answer.
  const uint64_t estimate = total_bytes / std::max<uint64_t>(r, 1);
  prefix_ = "{\"total_num\":" + std::to_string(estimate) + ",\"data_list\":[";
  const uint64_t fixed = prefix_.size() + suffix_.size();
  if (total_ >= fixed + record_.size()) records_ = (total_ - fixed + 1) / r;
}

size_t OversizedBody::Next(size_t max_bytes, std::string& out) {
  const size_t start = out.size();
  const uint64_t r = record_.size() + 1;
  const uint64_t records_end = prefix_.size() + (records_ > 0 ? records_ * r - 1 : 0);
  const uint64_t suffix_start =
      total_ >= prefix_.size() + suffix_.size() ? total_ - suffix_.size() : total_;
  while (pos_ < total_ && out.size() - start < max_bytes) {
    const uint64_t room = std::min<uint64_t>(max_bytes - (out.size() - start), total_ - pos_);
    if (pos_ < prefix_.size()) {
      const uint64_t n = std::min<uint64_t>(room, prefix_.size() - pos_);
      out.append(prefix_, pos_, n);
      pos_ += n;
    } else if (pos_ < records_end) {
      const uint64_t in = (pos_ - prefix_.size()) % r;  // Position inside "record,".
      uint64_t n = std::min<uint64_t>(room, records_end - pos_);
      if (in < record_.size()) {
        n = std::min<uint64_t>(n, record_.size() - in);
        out.append(record_, in, n);
      } else {
        n = 1;
        out.push_back(',');
      }
      pos_ += n;
    } else if (pos_ < suffix_start) {
      const uint64_t n = std::min<uint64_t>(room, suffix_start - pos_);
      out.append(n, ' ');
      pos_ += n;
    } else {
      const uint64_t in = pos_ - suffix_start;
      const uint64_t n = std::min<uint64_t>(room, suffix_.size() - in);
      out.append(suffix_, in, n);
      pos_ += n;
    }
  }
  return out.size() - start;
}

}  // namespace hss::sim
