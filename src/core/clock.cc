#include "core/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace wfm {

TimestampMs SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatTimestamp(TimestampMs ms) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
           utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

bool ParseTimestamp(const std::string& text, TimestampMs* out) {
  struct tm utc = {};
  int millis = 0;
  int consumed = 0;
  if (sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
             &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6) {
    return false;
  }
  const char* rest = text.c_str() + consumed;
  if (*rest == '.') {  // any number of fraction digits; milliseconds are kept
    ++rest;
    int digits = 0;
    for (; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
    }
    if (digits == 0) return false;
    for (int d = digits; d < 3; ++d) millis *= 10;
  }
  if (rest[0] != 'Z' || rest[1] != '\0') return false;
  struct tm given = utc;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  time_t seconds = timegm(&utc);
  // timegm carries what is out of range (month 13, day 32, 25:00) into the next field: such a
  // date is not a date.
  if (utc.tm_year + 1900 != given.tm_year || utc.tm_mon + 1 != given.tm_mon ||
      utc.tm_mday != given.tm_mday || utc.tm_hour != given.tm_hour ||
      utc.tm_min != given.tm_min || utc.tm_sec != given.tm_sec) {
    return false;
  }
  *out = static_cast<TimestampMs>(seconds) * 1000 + millis;
  return true;
}

}  // namespace wfm
