// Time source seam: SystemClock in production, FakeClock in tests (never sleep in tests).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace wfm {

// Milliseconds since the Unix epoch, UTC. 0 means "not set".
using TimestampMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current wall-clock time. Thread-safe.
  virtual TimestampMs Now() const = 0;
};

class SystemClock : public Clock {
 public:
  TimestampMs Now() const override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimestampMs start = 1'700'000'000'000) : now_(start) {}
  TimestampMs Now() const override { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<TimestampMs> now_;
};

// Formats as RFC 3339 UTC with milliseconds, e.g. "2026-11-26T15:25:02.123Z".
std::string FormatTimestamp(TimestampMs ms);

// Parses RFC 3339 UTC as FormatTimestamp writes it, with any number of fraction digits or none.
// Returns false on bad input.
bool ParseTimestamp(const std::string& text, TimestampMs* out);

}  // namespace wfm
