#include "sim/request_log.h"

#include <algorithm>
#include <map>

#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace hss::sim {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Writes pairs as an object; a repeated key maps to an array of its values.
void WritePairs(Writer& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const std::string*>> values;
  for (const auto& [key, value] : pairs) {
    auto& list = values[key];
    if (list.empty()) order.push_back(key);
    list.push_back(&value);
  }
  w.StartObject();
  for (const std::string& key : order) {
    WriteString(w, key);
    const auto& list = values[key];
    if (list.size() == 1) {
      WriteString(w, *list[0]);
    } else {
      w.StartArray();
      for (const std::string* v : list) WriteString(w, *v);
      w.EndArray();
    }
  }
  w.EndObject();
}

}  // namespace

RequestLog::RequestLog(size_t capacity) : capacity_(capacity) {}

void RequestLog::Add(LoggedRequest entry) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

void RequestLog::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::string RequestLog::ToJson(uint64_t after_seq) const {
  std::vector<const LoggedRequest*> selected;
  std::lock_guard lock(mutex_);
  for (const LoggedRequest& e : entries_) {
    if (e.seq > after_seq) selected.push_back(&e);
  }
  std::sort(selected.begin(), selected.end(),
            [](const LoggedRequest* a, const LoggedRequest* b) { return a->seq < b->seq; });
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const LoggedRequest* e : selected) {
    w.StartObject();
    w.Key("seq");
    w.Uint64(e->seq);
    w.Key("time_ms");
    w.Int64(e->time_ms);
    w.Key("method");
    WriteString(w, e->method);
    w.Key("path");
    WriteString(w, e->path);
    w.Key("query");
    WritePairs(w, e->query);
    w.Key("auth");
    WriteString(w, e->auth);
    w.Key("identity");
    WriteString(w, e->identity);
    w.Key("headers");
    WritePairs(w, e->headers);
    w.Key("status");
    w.Int(e->status);
    w.Key("request_id");
    WriteString(w, e->request_id);
    if (e->fault_rule) {
      w.Key("fault_rule");
      w.Int64(*e->fault_rule);
    }
    if (!e->iam.empty()) {
      w.Key("iam");
      WritePairs(w, e->iam);
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hss::sim
