#include "server/observability/bounded_label_set.h"

#include "absl/strings/ascii.h"

namespace hss::gateway {

bool BoundedLabelSet::Admissible(absl::string_view code) {
  const size_t dot = code.find('.');
  if (dot == absl::string_view::npos || dot < 1 || dot > 10) return false;
  if (code.size() != dot + 5) return false;
  for (size_t i = 0; i < dot; ++i) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(code[i]))) return false;
  }
  for (size_t i = dot + 1; i < code.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(code[i]))) return false;
  }
  return true;
}

int BoundedLabelSet::Find(absl::string_view code, int from, int to) const {
  for (int i = from; i < to; ++i) {
    const Slot& slot = slots_[i];
    if (absl::string_view(slot.text.data(), slot.length) == code) return i + 2;
  }
  return -1;
}

int BoundedLabelSet::IndexOf(absl::string_view code) {
  if (code.empty()) return kNone;
  if (!Admissible(code)) return kOther;
  const int seen = size_.load(std::memory_order_acquire);
  if (int index = Find(code, 0, seen); index >= 0) return index;
  if (seen >= kCapacity) return kOther;
  absl::MutexLock lock(&mu_);
  const int now = size_.load(std::memory_order_relaxed);
  if (int index = Find(code, seen, now); index >= 0) return index;
  if (now >= kCapacity) return kOther;
  Slot& slot = slots_[now];
  code.copy(slot.text.data(), code.size());
  slot.length = code.size();
  size_.store(now + 1, std::memory_order_release);
  return now + 2;
}

std::string BoundedLabelSet::Label(int index) const {
  if (index == kOther) return "other";
  if (index < 2 || index - 2 >= size_.load(std::memory_order_acquire)) return "";
  const Slot& slot = slots_[index - 2];
  return std::string(slot.text.data(), slot.length);
}

}  // namespace hss::gateway
