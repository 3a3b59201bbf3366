#include "asl/choice.h"

#include <cstring>
#include <string_view>

namespace wfm::asl {

namespace {

enum class Family { kString, kNumeric, kBoolean, kTimestamp };
enum class Relation { kEquals, kLessThan, kGreaterThan, kLessThanEquals, kGreaterThanEquals };

// A comparison operator's name taken apart, e.g. "NumericLessThanEqualsPath".
struct Comparison {
  Family family;
  Relation relation;
  bool path;
};

bool ParseComparison(std::string_view op, Comparison* out) {
  static constexpr std::pair<const char*, Family> kFamilies[] = {{"String", Family::kString},
                                                                 {"Numeric", Family::kNumeric},
                                                                 {"Boolean", Family::kBoolean},
                                                                 {"Timestamp", Family::kTimestamp}};
  static constexpr std::pair<const char*, Relation> kRelations[] = {
      {"Equals", Relation::kEquals},
      {"LessThanEquals", Relation::kLessThanEquals},
      {"GreaterThanEquals", Relation::kGreaterThanEquals},
      {"LessThan", Relation::kLessThan},
      {"GreaterThan", Relation::kGreaterThan}};
  for (const auto& [family_name, family] : kFamilies) {
    if (!op.starts_with(family_name)) continue;
    std::string_view rest = op.substr(std::strlen(family_name));
    out->path = rest.ends_with("Path");
    if (out->path) rest.remove_suffix(4);
    for (const auto& [relation_name, relation] : kRelations) {
      if (rest != relation_name) continue;
      if (family == Family::kBoolean && relation != Relation::kEquals) return false;
      out->family = family;
      out->relation = relation;
      return true;
    }
  }
  return false;
}

template <typename T>
bool Holds(Relation relation, const T& a, const T& b) {
  switch (relation) {
    case Relation::kEquals:
      return a == b;
    case Relation::kLessThan:
      return a < b;
    case Relation::kGreaterThan:
      return b < a;
    case Relation::kLessThanEquals:
      return !(b < a);
    case Relation::kGreaterThanEquals:
      return !(a < b);
  }
  return false;
}

// Numbers compared exactly when both are integers (signed or unsigned 64-bit), else as doubles.
bool HoldsNumeric(Relation relation, const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    auto wide = [](const Json& v) -> __int128 {
      return v.is_number_unsigned() ? static_cast<__int128>(v.get<uint64_t>())
                                    : static_cast<__int128>(v.get<int64_t>());
    };
    return Holds(relation, wide(a), wide(b));
  }
  return Holds(relation, a.get<double>(), b.get<double>());
}

// A type mismatch is false (the specification: comparing values of different types is false).
bool Compare(const Comparison& comparison, const Json& value, const Json& operand) {
  switch (comparison.family) {
    case Family::kString:
      return value.is_string() && operand.is_string() &&
             Holds(comparison.relation, value.get_ref<const std::string&>(),
                   operand.get_ref<const std::string&>());
    case Family::kNumeric:
      return value.is_number() && operand.is_number() &&
             HoldsNumeric(comparison.relation, value, operand);
    case Family::kBoolean:
      return value.is_boolean() && operand.is_boolean() && value == operand;
    case Family::kTimestamp: {
      int64_t a = 0, b = 0;
      return value.is_string() && operand.is_string() &&
             ParseTimestamp(value.get<std::string>(), &a) &&
             ParseTimestamp(operand.get<std::string>(), &b) && Holds(comparison.relation, a, b);
    }
  }
  return false;
}

Failure InvalidPath(const std::string& path) {
  return Failure{kStatesRuntime, "Invalid path '" + path +
                                     "': The choice state's condition path references an "
                                     "invalid value."};
}

// The Is... tests: whether `value` is of the type the operator names.
bool HasType(const std::string& op, const Json& value) {
  if (op == "IsNull") return value.is_null();
  if (op == "IsNumeric") return value.is_number();
  if (op == "IsString") return value.is_string();
  if (op == "IsBoolean") return value.is_boolean();
  if (op == "IsTimestamp")
    return value.is_string() && ParseTimestamp(value.get<std::string>(), nullptr);
  return false;
}

Outcome<bool> MatchesComparison(const ChoiceRule& rule, const PathScope& scope) {
  Result<Json> value = EvaluatePath(rule.variable, scope);
  if (rule.op == "IsPresent") {
    return value.ok() == (rule.operand.is_boolean() && rule.operand.get<bool>());
  }
  // Step Functions fails the state when a comparison's Variable selects nothing (its guide guards
  // such comparisons with IsPresent); aws-local-stepfunctions does the same.
  if (!value.ok()) return InvalidPath(rule.variable);
  if (rule.op.starts_with("Is")) {
    bool expected = rule.operand.is_boolean() && rule.operand.get<bool>();
    return HasType(rule.op, *value) == expected;
  }
  if (rule.op == "StringMatches") {
    return value->is_string() && rule.operand.is_string() &&
           StringMatchesPattern(value->get<std::string>(), rule.operand.get<std::string>());
  }
  Comparison comparison{};
  if (!ParseComparison(rule.op, &comparison)) {
    return Failure{kStatesRuntime, "Unknown comparison operator '" + rule.op + "'"};
  }
  if (!comparison.path) return Compare(comparison, *value, rule.operand);
  std::string operand_path = rule.operand.is_string() ? rule.operand.get<std::string>() : "";
  Result<Json> operand = EvaluatePath(operand_path, scope);
  if (!operand.ok()) return InvalidPath(operand_path);
  return Compare(comparison, *value, *operand);
}

// Parses exactly `digits` decimal digits at text[*pos].
bool Digits(const std::string& text, size_t* pos, int digits, int* out) {
  if (*pos + digits > text.size()) return false;
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  *out = value;
  return true;
}

bool Expect(const std::string& text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Outcome<bool> MatchesRule(const ChoiceRule& rule, const PathScope& scope) {
  switch (rule.kind) {
    case ChoiceRule::Kind::kAnd:
    case ChoiceRule::Kind::kOr: {
      const bool is_and = rule.kind == ChoiceRule::Kind::kAnd;
      for (const ChoiceRule& child : rule.children) {
        Outcome<bool> matched = MatchesRule(child, scope);
        if (!matched.ok()) return matched;
        if (matched.value() != is_and) return !is_and;  // And: first false; Or: first true
      }
      return is_and;
    }
    case ChoiceRule::Kind::kNot: {
      if (rule.children.size() != 1) return Failure{kStatesRuntime, "Not needs one rule"};
      Outcome<bool> matched = MatchesRule(rule.children[0], scope);
      if (!matched.ok()) return matched;
      return !matched.value();
    }
    case ChoiceRule::Kind::kComparison:
      return MatchesComparison(rule, scope);
  }
  return false;
}

// Hand-written: Debian's date parsers (strptime, std::chrono::parse in libstdc++ 12) accept
// lowercase 't'/'z', missing seconds or out-of-range fields that RFC 3339 refuses.
bool ParseTimestamp(const std::string& text, int64_t* ms) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &day) || !Expect(text, &pos, 'T') ||
      !Digits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t first = pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return false;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int off_hour, off_minute;
    if (!Digits(text, &pos, 2, &off_hour) || !Expect(text, &pos, ':') ||
        !Digits(text, &pos, 2, &off_minute) || off_hour > 23 || off_minute > 59) {
      return false;
    }
    offset_minutes = sign * (off_hour * 60 + off_minute);
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  if (ms != nullptr) {
    int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                      offset_minutes * 60;
    *ms = seconds * 1000 + millis;
  }
  return true;
}

// Hand-written: fnmatch(3) also treats '?' and '[' as wildcards, which StringMatches does not.
bool StringMatchesPattern(const std::string& value, const std::string& pattern) {
  // The pattern as tokens: a literal byte, or kStar for an unescaped '*'.
  constexpr int kStar = -1;
  std::vector<int> tokens;
  tokens.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      tokens.push_back(static_cast<unsigned char>(pattern[++i]));
    } else if (pattern[i] == '*') {
      tokens.push_back(kStar);
    } else {
      tokens.push_back(static_cast<unsigned char>(pattern[i]));
    }
  }
  // Greedy matching with one backtrack point (the last star): O(|value| * |pattern|) at worst.
  size_t v = 0, t = 0;
  size_t star_t = std::string::npos, star_v = 0;
  while (v < value.size()) {
    if (t < tokens.size() && tokens[t] == kStar) {
      star_t = t++;
      star_v = v;
    } else if (t < tokens.size() && tokens[t] == static_cast<unsigned char>(value[v])) {
      ++t;
      ++v;
    } else if (star_t != std::string::npos) {
      t = star_t + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t] == kStar) ++t;
  return t == tokens.size();
}

}  // namespace wfm::asl
