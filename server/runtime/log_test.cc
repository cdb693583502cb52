// The process log: its asynchronous sink (bounded queue, drops counted and
// reported, flush) and the JSON lines it writes.
#include "server/runtime/log.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "server/runtime/log_sink.h"

namespace hss::gateway {
namespace {

// Points stderr at a pipe that is already full, so that a write(2) to stderr
// blocks until the test reads from the pipe; restores stderr when destroyed.
class StalledStderr {
 public:
  StalledStderr() {
    EXPECT_EQ(pipe2(fds_, O_CLOEXEC), 0);
    // Fill the pipe without blocking, then make writes to it block again.
    EXPECT_EQ(fcntl(fds_[1], F_SETFL, O_NONBLOCK), 0);
    const std::string chunk(4096, 'x');
    while (::write(fds_[1], chunk.data(), chunk.size()) > 0) {
    }
    EXPECT_EQ(fcntl(fds_[1], F_SETFL, 0), 0);
    saved_ = dup(STDERR_FILENO);
    EXPECT_GE(dup2(fds_[1], STDERR_FILENO), 0);
  }
  ~StalledStderr() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    close(fds_[1]);
    close(fds_[0]);
  }

  // Reads from the pipe until `text` went through it.
  void ReadUntil(const std::string& text) {
    char buffer[4096];
    while (seen_.find(text) == std::string::npos) {
      ssize_t n = ::read(fds_[0], buffer, sizeof(buffer));
      if (n <= 0) return;
      seen_.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  int fds_[2] = {-1, -1};
  int saved_ = -1;
  std::string seen_;
};

TEST(ProcessLog, WriteLogLineReturnsWhileStderrIsStalled) {
  StalledStderr stderr_pipe;
  absl::Notification returned;
  std::thread caller([&] {
    WriteLogLine("a line behind a stalled pipe");
    returned.Notify();
  });
  // The caller is, e.g., the transport's loop thread: it must not wait for the pipe.
  const bool returned_in_time = returned.WaitForNotificationWithTimeout(absl::Seconds(5));
  stderr_pipe.ReadUntil("a line behind a stalled pipe\n");
  caller.join();
  EXPECT_TRUE(returned_in_time) << "WriteLogLine waited for the stalled stderr";
}

// A LogWriter that records what it is given and, while held, blocks inside
// the write, as a stalled pipe would.
class HoldingWriter {
 public:
  // Makes the next write block until Release().
  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  // Waits until a write is blocked in the writer.
  void WaitUntilBlocked() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&blocked_));
  }
  // Waits until `text` was written.
  void WaitFor(absl::string_view text) {
    absl::MutexLock lock(&mu_);
    auto seen = [this, text]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return absl::StrContains(written_, text);
    };
    mu_.Await(absl::Condition(&seen));
  }
  // Everything written so far.
  std::string written() {
    absl::MutexLock lock(&mu_);
    return written_;
  }
  LogWriter AsWriter() {
    return [this](absl::string_view chunk) {
      absl::MutexLock lock(&mu_);
      blocked_ = held_;
      auto released = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !held_; };
      mu_.Await(absl::Condition(&released));
      blocked_ = false;
      written_.append(chunk.data(), chunk.size());
    };
  }

 private:
  absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;
  std::string written_ ABSL_GUARDED_BY(mu_);
};

TEST(LogSink, WritesLinesInOrderWithNewlines) {
  HoldingWriter out;
  LogSink sink(out.AsWriter());
  EXPECT_TRUE(sink.Write("one"));
  EXPECT_TRUE(sink.Write("two"));
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(out.written(), "one\ntwo\n");
  EXPECT_EQ(sink.dropped(), 0u);
}

TEST(LogSink, ABlockedWriterNeverBlocksTheCallerAndDropsAreCountedAndReported) {
  HoldingWriter out;
  LogSinkOptions options;
  options.max_lines = 4;
  LogSink sink(out.AsWriter(), std::move(options));
  out.Hold();
  ASSERT_TRUE(sink.Write("first"));
  out.WaitUntilBlocked();  // The writer has taken "first" and is stuck in it.
  // Were Write to wait for the writer, this loop would never end.
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += sink.Write(absl::StrCat("line ", i)) ? 1 : 0;
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(sink.dropped(), 996u);
  EXPECT_FALSE(sink.Flush(absl::Milliseconds(1)));  // Still stuck.
  out.Release();
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(out.written(), "first\nline 0\nline 1\nline 2\nline 3\nlog: dropped 996 lines\n");
  // Room again: lines go through, and no new notice without new drops.
  EXPECT_TRUE(sink.Write("after"));
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(out.written(),
            "first\nline 0\nline 1\nline 2\nline 3\nlog: dropped 996 lines\nafter\n");
  EXPECT_EQ(sink.dropped(), 996u);
}

TEST(LogSink, KeepsToItsByteBudget) {
  HoldingWriter out;
  LogSinkOptions options;
  options.max_bytes = 10;
  options.drop_notice = [](uint64_t dropped) { return absl::StrCat("lost ", dropped); };
  LogSink sink(out.AsWriter(), std::move(options));
  out.Hold();
  ASSERT_TRUE(sink.Write("first"));
  out.WaitUntilBlocked();
  EXPECT_TRUE(sink.Write("1234"));         // 5 bytes with the newline.
  EXPECT_FALSE(sink.Write("too long!!"));  // 11: over the budget, dropped.
  EXPECT_TRUE(sink.Write("abcd"));         // 10 in all: fits.
  EXPECT_FALSE(sink.Write(""));            // Even an empty line needs its newline.
  EXPECT_EQ(sink.dropped(), 2u);
  out.Release();
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(out.written(), "first\n1234\nabcd\nlost 2\n");
}

TEST(LogSink, ALineLongerThanTheBudgetIsReportedRightAway) {
  HoldingWriter out;
  LogSinkOptions options;
  options.max_bytes = 8;
  LogSink sink(out.AsWriter(), std::move(options));
  EXPECT_FALSE(sink.Write(std::string(100, 'x')));
  EXPECT_EQ(sink.dropped(), 1u);
  // Nothing queued: the notice comes without waiting for another line.
  out.WaitFor("log: dropped 1 lines\n");
  EXPECT_TRUE(sink.Write("ok"));
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(out.written(), "log: dropped 1 lines\nok\n");
}

TEST(LogSink, DestroyingTheSinkWritesWhatIsQueued) {
  HoldingWriter out;
  {
    LogSink sink(out.AsWriter());
    out.Hold();
    ASSERT_TRUE(sink.Write("first"));
    out.WaitUntilBlocked();
    ASSERT_TRUE(sink.Write("second"));
    out.Release();
  }
  EXPECT_EQ(out.written(), "first\nsecond\n");
}

TEST(LogSink, ManyThreadsLoseNothingWithinTheBounds) {
  HoldingWriter out;
  LogSink sink(out.AsWriter());
  constexpr int kThreads = 4;
  constexpr int kLines = 500;  // 2000 lines in all: within the 8192-line queue.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&sink, t] {
      for (int i = 0; i < kLines; ++i) sink.Write(absl::StrCat("t", t, " ", i));
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(sink.Flush(absl::Seconds(30)));
  EXPECT_EQ(sink.dropped(), 0u);
  const std::vector<std::string> lines = absl::StrSplit(out.written(), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
}

TEST(ToValidUtf8, KeepsValidTextAndReplacesEachInvalidSequenceOnce) {
  EXPECT_EQ(ToValidUtf8("plain", 100), "plain");
  EXPECT_EQ(ToValidUtf8("\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", 100),
            "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(ToValidUtf8(absl::string_view("a\0b", 3), 100), absl::string_view("a\0b", 3));
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b",
                        100),
            "a" + r + "b");
  EXPECT_EQ(ToValidUtf8("a\xc3", 100), "a" + r);
  EXPECT_EQ(ToValidUtf8("a\xc3"
                        "b",
                        100),
            "a" + r + "b");
  EXPECT_EQ(ToValidUtf8("\xc0\xaf", 100), r + r);                  // Overlong: two bad bytes.
  EXPECT_EQ(ToValidUtf8("\xe0\x80\xaf", 100), r + r + r);          // Overlong 3-byte form.
  EXPECT_EQ(ToValidUtf8("\xed\xa0\x80", 100), r + r + r);          // Surrogate U+D800.
  EXPECT_EQ(ToValidUtf8("\xf4\x90\x80\x80", 100), r + r + r + r);  // Above U+10FFFF.
  EXPECT_EQ(ToValidUtf8("\xe2\x82", 100), r);                      // Truncated: one U+FFFD.
  EXPECT_EQ(ToValidUtf8("\xe2\x82x", 100), r + "x");
  EXPECT_EQ(ToValidUtf8("\x80\x80", 100), r + r);
}

TEST(ToValidUtf8, CutsAtACharacterBoundaryAndSaysSo) {
  bool truncated = true;
  EXPECT_EQ(ToValidUtf8("abc", 3, &truncated), "abc");
  EXPECT_FALSE(truncated);
  EXPECT_EQ(ToValidUtf8("abcd", 3, &truncated), "abc\xe2\x80\xa6");
  EXPECT_TRUE(truncated);
  // "ü" is 2 bytes: 3 bytes hold one, not one and a half.
  EXPECT_EQ(ToValidUtf8("\xc3\xbc\xc3\xbc", 3, &truncated), "\xc3\xbc\xe2\x80\xa6");
  EXPECT_TRUE(truncated);
  EXPECT_EQ(ToValidUtf8("x", 0, &truncated), "\xe2\x80\xa6");
  EXPECT_TRUE(truncated);
}

// Parses `line` as JSON, rejecting invalid UTF-8.
::testing::AssertionResult ParsesAsStrictJson(const std::string& line, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return ::testing::AssertionFailure() << "not a valid JSON object: " << line.substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

TEST(FormatLogEvent, IsValidJsonWhateverTheMessage) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(
      FormatLogEvent("warning", "bad \xff\xc3 \"quoted\"\n", absl::FromUnixSeconds(0)), doc));
  EXPECT_STREQ(doc["ts"].GetString(), "1970-01-01T00:00:00.000Z");
  EXPECT_STREQ(doc["level"].GetString(), "warning");
  EXPECT_EQ(std::string(doc["msg"].GetString()), "bad \xef\xbf\xbd\xef\xbf\xbd \"quoted\"\n");
  EXPECT_FALSE(doc.HasMember("msg_truncated"));
}

TEST(FormatLogEvent, CutsAHugeMessage) {
  const std::string line =
      FormatLogEvent("info", std::string(1 << 20, 'm'), absl::FromUnixSeconds(0));
  EXPECT_LT(line.size(), kLogMaxMessageBytes + 200);
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(line, doc));
  EXPECT_EQ(doc["msg"].GetStringLength(), kLogMaxMessageBytes + 3);
  EXPECT_TRUE(doc["msg_truncated"].GetBool());
}

TEST(JsonLogLine, WritesNumbersAndStrings) {
  JsonLogLine line(absl::FromUnixSeconds(0), "info", "call");
  line.AddInt("n", -42);
  line.AddFixed("ms", 1.5, 3);
  line.AddString("s", "x\"y", 10);
  EXPECT_EQ(std::move(line).Finish(),
            R"({"ts":"1970-01-01T00:00:00.000Z","level":"info","msg":"call","n":-42,)"
            R"("ms":1.500,"s":"x\"y"})");
}

}  // namespace
}  // namespace hss::gateway
