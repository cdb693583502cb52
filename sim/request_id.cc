#include "sim/request_id.h"

#include <random>

namespace hss::sim {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

void AppendHex64(uint64_t v, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xf]);
}

}  // namespace

RequestIdGenerator::RequestIdGenerator() {
  std::random_device rd;
  salt_hi_ = (uint64_t{rd()} << 32) ^ rd();
  salt_lo_ = (uint64_t{rd()} << 32) ^ rd();
}

std::string RequestIdGenerator::Next() {
  const uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  out.reserve(32);
  AppendHex64(Mix(salt_hi_ + n), out);
  AppendHex64(Mix(salt_lo_ ^ n), out);  // Bijective in n: ids never repeat.
  return out;
}

}  // namespace hss::sim
