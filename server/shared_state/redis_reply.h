#ifndef HSS_SERVER_SHARED_STATE_REDIS_REPLY_H_
#define HSS_SERVER_SHARED_STATE_REDIS_REPLY_H_

#include <string>
#include <vector>

namespace hss::gateway {

// One Redis reply, owned (a copy of hiredis's redisReply, which is freed as
// soon as its callback returns).
struct RedisReply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };

  Type type = Type::kNil;
  // kInteger: the value.
  long long integer = 0;
  // kString, kStatus and kError: the text ("NOSCRIPT No matching script...").
  std::string str;
  // kArray: the elements.
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::kError; }
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_SHARED_STATE_REDIS_REPLY_H_
