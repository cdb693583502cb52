#ifndef HSS_SERVER_OBSERVABILITY_BOUNDED_LABEL_SET_H_
#define HSS_SERVER_OBSERVABILITY_BOUNDED_LABEL_SET_H_

#include <array>
#include <atomic>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace hss::gateway {

// Upstream error codes as label values, with bounded cardinality by
// construction: only codes of the strict form `LETTERS.DIGITS` (1-10 ASCII
// letters, a dot, 4 digits, e.g. "HSS.0013", "APIG.0307") are kept, and only
// the first kCapacity distinct ones; any other value is "other".
//
// IndexOf() is lock-free for a code already admitted (and for "", "other" and
// a full set); the mutex is taken only to admit a new code, so at most
// kCapacity times in the life of the process.
class BoundedLabelSet {
 public:
  // Distinct codes kept.
  static constexpr int kCapacity = 32;
  // Index of the empty code (no error code).
  static constexpr int kNone = 0;
  // Index of "other".
  static constexpr int kOther = 1;
  // Number of indexes IndexOf() may return.
  static constexpr int kIndexes = kCapacity + 2;

  // The index of `code`: kNone for "", kOther for a code that does not match
  // the pattern or finds the set full, else the code's own index (2..).
  int IndexOf(absl::string_view code);

  // The label value of `index`: "", "other" or the code; "" for an index not
  // (yet) in use.
  std::string Label(int index) const;

  // Whether `code` has the form LETTERS.DIGITS described above.
  static bool Admissible(absl::string_view code);

 private:
  static constexpr size_t kMaxLength = 15;
  struct Slot {
    std::array<char, kMaxLength + 1> text{};
    size_t length = 0;
  };
  int Find(absl::string_view code, int from, int to) const;

  std::array<Slot, kCapacity> slots_{};
  // Slots [0, size_) are written and never change again.
  std::atomic<int> size_{0};
  absl::Mutex mu_;  // Serializes admissions.
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_BOUNDED_LABEL_SET_H_
