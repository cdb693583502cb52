#include "sim/iam/iam_token_store.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "common/aksk_signer.h"

namespace hss::sim {

std::string NewSimToken() {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 160> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  std::string token(kSimTokenPrefix);
  for (unsigned char byte : random) token.push_back(kAlphabet[byte % kAlphabet.size()]);
  return token;
}

std::string IamTokenStore::Issue(const IamTokenInfo& info) {
  std::string token = NewSimToken();
  std::string key = HexSha256(token);
  std::lock_guard lock(mutex_);
  if (tokens_.size() >= kMaxTokens) {
    for (auto it = tokens_.begin(); it != tokens_.end();) {
      it = it->second.expires_ms <= info.issued_ms ? tokens_.erase(it) : std::next(it);
    }
    if (tokens_.size() >= kMaxTokens) {
      auto soonest = tokens_.begin();
      for (auto it = tokens_.begin(); it != tokens_.end(); ++it) {
        if (it->second.expires_ms < soonest->second.expires_ms) soonest = it;
      }
      tokens_.erase(soonest);
    }
  }
  tokens_.insert_or_assign(std::move(key), info);
  return token;
}

TokenLookup IamTokenStore::Find(std::string_view token, int64_t now_ms) const {
  TokenLookup out;
  if (!token.starts_with(kSimTokenPrefix)) return out;
  const std::string key = HexSha256(token);
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(key);
  if (it == tokens_.end()) return out;
  out.info = it->second;
  out.state = now_ms < it->second.expires_ms ? TokenState::kValid : TokenState::kExpired;
  return out;
}

size_t IamTokenStore::ExpireAll(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  size_t expired = 0;
  for (auto& [key, info] : tokens_) {
    if (now_ms < info.expires_ms) {
      info.expires_ms = now_ms;
      ++expired;
    }
  }
  return expired;
}

void IamTokenStore::Clear() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
}

size_t IamTokenStore::size() const {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

size_t IamTokenStore::valid(int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, info] : tokens_) n += now_ms < info.expires_ms ? 1 : 0;
  return n;
}

}  // namespace hss::sim
