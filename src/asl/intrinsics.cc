#include "asl/intrinsics.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "asl/json_equal.h"

namespace wfm::asl {
namespace {

// Step Functions allows up to 10 intrinsic functions nested within a field (developer guide).
constexpr int kMaxNestedCalls = 10;
// States.ArrayRange's largest result, and the input limit of Base64Encode/Decode and Hash.
constexpr int64_t kMaxRangeItems = 1000;
constexpr size_t kMaxInputCharacters = 10000;

struct Call;

struct Arg {
  enum class Kind { kString, kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  std::string text;        // kString: the literal's text with its escapes; kPath: the path
  Json literal;            // kLiteral: a number, true, false or null
  std::vector<Call> call;  // kCall: exactly one
};

struct Call {
  std::string name;  // "States.Format"
  std::vector<Arg> args;
};

struct Arity {
  size_t min;
  size_t max;
};
constexpr size_t kAny = std::numeric_limits<size_t>::max();

const std::map<std::string, Arity, std::less<>>& Functions() {
  static const auto* functions = new std::map<std::string, Arity, std::less<>>{
      {"States.Format", {1, kAny}},      {"States.StringToJson", {1, 1}},
      {"States.JsonToString", {1, 1}},   {"States.Array", {0, kAny}},
      {"States.ArrayPartition", {2, 2}}, {"States.ArrayContains", {2, 2}},
      {"States.ArrayRange", {3, 3}},     {"States.ArrayGetItem", {2, 2}},
      {"States.ArrayLength", {1, 1}},    {"States.ArrayUnique", {1, 1}},
      {"States.Base64Encode", {1, 1}},   {"States.Base64Decode", {1, 1}},
      {"States.Hash", {2, 2}},           {"States.JsonMerge", {3, 3}},
      {"States.MathRandom", {2, 3}},     {"States.MathAdd", {2, 2}},
      {"States.StringSplit", {2, 2}},    {"States.UUID", {0, 0}},
  };
  return *functions;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The characters a backslash may escape in a string literal (States Language: ' { } \).
bool IsEscapable(char c) { return c == '\'' || c == '{' || c == '}' || c == '\\'; }

// Parses and checks the syntax of a call: names, arities, literals, nested calls and paths.
class CallParser {
 public:
  explicit CallParser(std::string_view text) : text_(text) {}

  Result<Call> ParseWhole() {
    Call call;
    if (!ParseCall(call, 0)) return Error{ErrorCode::kInvalidArgument, error_};
    if (pos_ != text_.size()) {
      Fail("unexpected text after the closing ')'");
      return Error{ErrorCode::kInvalidArgument, error_};
    }
    return call;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpaces() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }
  bool Fail(const std::string& what) {
    if (error_.empty()) {
      error_ = "Invalid intrinsic function call '" + std::string(text_) + "': " + what +
               " at position " + std::to_string(pos_);
    }
    return false;
  }

  bool ParseCall(Call& call, int depth) {
    if (depth >= kMaxNestedCalls) {
      return Fail("more than " + std::to_string(kMaxNestedCalls) + " nested function calls");
    }
    if (text_.substr(pos_, 7) != "States.") return Fail("expected 'States.<Function>('");
    size_t start = pos_;
    pos_ += 7;
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    call.name = std::string(text_.substr(start, pos_ - start));
    auto function = Functions().find(call.name);
    if (function == Functions().end()) {
      pos_ = start;
      return Fail("unknown function '" + call.name + "'");
    }
    if (Peek() != '(') return Fail("expected '(' after " + call.name);
    ++pos_;
    SkipSpaces();
    if (Peek() == ')') {
      ++pos_;
    } else {
      while (true) {
        Arg arg;
        if (!ParseArg(arg, depth)) return false;
        call.args.push_back(std::move(arg));
        SkipSpaces();
        if (Peek() == ')') {
          ++pos_;
          break;
        }
        if (Peek() != ',') return Fail(AtEnd() ? "missing ')'" : "expected ',' or ')'");
        ++pos_;
      }
    }
    const Arity& arity = function->second;
    if (call.args.size() < arity.min || call.args.size() > arity.max) {
      std::string expected = arity.min == arity.max ? std::to_string(arity.min)
                             : arity.max == kAny
                                 ? "at least " + std::to_string(arity.min)
                                 : std::to_string(arity.min) + " to " + std::to_string(arity.max);
      return Fail(call.name + " takes " + expected + " argument(s), not " +
                  std::to_string(call.args.size()));
    }
    return true;
  }

  bool ParseArg(Arg& arg, int depth) {
    SkipSpaces();
    char c = Peek();
    if (AtEnd()) return Fail("missing ')'");
    if (c == '\'') return ParseString(arg);
    if (c == '$') return ParsePathArg(arg);
    if (text_.substr(pos_, 7) == "States.") {
      arg.kind = Arg::Kind::kCall;
      arg.call.emplace_back();
      return ParseCall(arg.call.back(), depth + 1);
    }
    size_t start = pos_;
    while (!AtEnd() && Peek() != ',' && Peek() != ')' &&
           !std::isspace(static_cast<unsigned char>(Peek()))) {
      ++pos_;
    }
    std::string_view token = text_.substr(start, pos_ - start);
    Json value = Json::parse(token, nullptr, false);
    if (token.empty() || value.is_discarded() || value.is_structured() || value.is_string()) {
      pos_ = start;
      return Fail(token.empty() ? "missing argument"
                                : "'" + std::string(token) +
                                      "' is not a string, number, boolean, null, path or call");
    }
    arg.kind = Arg::Kind::kLiteral;
    arg.literal = std::move(value);
    return true;
  }

  // 'text' with \' \{ \} \\ escapes; the escapes are kept (States.Format needs them).
  bool ParseString(Arg& arg) {
    arg.kind = Arg::Kind::kString;
    size_t start = ++pos_;
    while (true) {
      if (AtEnd()) {
        pos_ = start - 1;
        return Fail("unterminated string literal");
      }
      char c = text_[pos_];
      if (c == '\'') break;
      if (c == '\\') {
        if (pos_ + 1 >= text_.size() || !IsEscapable(text_[pos_ + 1])) {
          return Fail("invalid escape in a string literal (only \\' \\{ \\} \\\\ are allowed)");
        }
        ++pos_;
      }
      ++pos_;
    }
    arg.text = std::string(text_.substr(start, pos_ - start));
    ++pos_;
    return true;
  }

  // A path runs to the next ',' or ')' outside brackets, parentheses and quotes.
  bool ParsePathArg(Arg& arg) {
    arg.kind = Arg::Kind::kPath;
    size_t start = pos_;
    int depth = 0;
    char quote = 0;
    for (; !AtEnd(); ++pos_) {
      char c = Peek();
      if (quote != 0) {
        if (c == '\\') {
          ++pos_;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    size_t end = pos_;
    while (end > start && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    arg.text = std::string(text_.substr(start, end - start));
    if (std::string problem = CheckPath(arg.text); !problem.empty()) {
      pos_ = start;
      return Fail(problem);
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

// The value of a string literal: its escapes removed.
std::string Unescape(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
    out.push_back(raw[i]);
  }
  return out;
}

Failure Problem(const std::string& function, const std::string& what) {
  return Failure{kStatesIntrinsicFailure, "Invalid arguments in " + function + ": " + what};
}

size_t CountCharacters(const std::string& utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsUtf8Text(const std::string& bytes) {
  try {
    (void)Json(bytes).dump();
    return true;
  } catch (const Json::exception&) {
    return false;
  }
}

const char* TypeName(const Json& value) {
  if (value.is_number()) return "number";
  return value.type_name();
}

// An integer argument: a JSON integer, or a number with no fractional part.
std::optional<int64_t> AsInteger(const Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value.is_number_float()) {
    double d = value.get<double>();
    // The range check comes first: converting a larger double to int64_t is undefined.
    if (std::abs(d) < 9.2e18 && d == std::trunc(d)) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

class Interpreter {
 public:
  Interpreter(const PathScope& scope, const RandomSource& random)
      : scope_(scope), random_(random) {}

  Outcome<Json> Evaluate(const Call& call) {
    std::vector<Json> args;
    args.reserve(call.args.size());
    for (const Arg& arg : call.args) {
      Outcome<Json> value = ValueOf(call.name, arg);
      if (!value.ok()) return value;
      args.push_back(std::move(value).value());
    }
    const std::string& name = call.name;
    if (name == "States.Format") return Format(call, args);
    if (name == "States.StringToJson") return StringToJson(args);
    if (name == "States.JsonToString") return Json(args[0].dump());
    if (name == "States.Array") return Json(args);
    if (name == "States.ArrayPartition") return ArrayPartition(args);
    if (name == "States.ArrayContains") return ArrayContains(args);
    if (name == "States.ArrayRange") return ArrayRange(args);
    if (name == "States.ArrayGetItem") return ArrayGetItem(args);
    if (name == "States.ArrayLength") return ArrayLength(args);
    if (name == "States.ArrayUnique") return ArrayUnique(args);
    if (name == "States.Base64Encode") return Base64Encode(args);
    if (name == "States.Base64Decode") return Base64Decode(args);
    if (name == "States.Hash") return Hash(args);
    if (name == "States.JsonMerge") return JsonMerge(args);
    if (name == "States.MathRandom") return MathRandom(args);
    if (name == "States.MathAdd") return MathAdd(args);
    if (name == "States.StringSplit") return StringSplit(args);
    return Uuid();
  }

 private:
  Outcome<Json> ValueOf(const std::string& function, const Arg& arg) {
    switch (arg.kind) {
      case Arg::Kind::kString:
        return Json(Unescape(arg.text));
      case Arg::Kind::kLiteral:
        return arg.literal;
      case Arg::Kind::kCall:
        return Evaluate(arg.call.front());
      case Arg::Kind::kPath: {
        Result<Json> value = EvaluatePath(arg.text, scope_);
        if (!value.ok()) return Problem(function, value.error().message);
        return std::move(value).value();
      }
    }
    return Json();
  }

  // Checks that argument `index` (0-based) has the JSON type `type` ("string", "array", ...).
  static std::optional<Failure> Expect(const char* function, const std::vector<Json>& args,
                                       size_t index, const char* type) {
    if (TypeName(args[index]) == std::string_view(type)) return std::nullopt;
    return Problem(function, "argument " + std::to_string(index + 1) + " must be a " + type +
                                 ", not " + TypeName(args[index]));
  }

  static Outcome<int64_t> ExpectInteger(const char* function, const std::vector<Json>& args,
                                        size_t index) {
    std::optional<int64_t> value = AsInteger(args[index]);
    if (!value) {
      return Problem(function, "argument " + std::to_string(index + 1) +
                                   " must be an integer, not " + args[index].dump());
    }
    return *value;
  }

  // The template's "{}" take the other arguments in order; \{ \} \' \\ stand for themselves.
  static Outcome<Json> Format(const Call& call, const std::vector<Json>& args) {
    static const char* kName = "States.Format";
    if (auto problem = Expect(kName, args, 0, "string")) return *problem;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_structured()) {
        return Problem(kName, "argument " + std::to_string(i + 1) +
                                  " must be a string, number, boolean or null, not " +
                                  TypeName(args[i]));
      }
    }
    // A literal template keeps its escapes; a template read from a path uses them the same way.
    const std::string& raw = call.args[0].kind == Arg::Kind::kString
                                 ? call.args[0].text
                                 : args[0].get_ref<const std::string&>();
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\\' && i + 1 < raw.size()) {
        out.push_back(raw[++i]);
      } else if (c == '{' && i + 1 < raw.size() && raw[i + 1] == '}') {
        if (next >= args.size()) {
          return Problem(kName, "the template has more {} placeholders than arguments");
        }
        const Json& value = args[next++];
        out += value.is_string() ? value.get_ref<const std::string&>() : value.dump();
        ++i;
      } else if (c == '{' || c == '}') {
        return Problem(kName, std::string("unescaped '") + c + "' in the template");
      } else {
        out.push_back(c);
      }
    }
    if (next != args.size()) {
      return Problem(kName, "the template has fewer {} placeholders than arguments");
    }
    return Json(std::move(out));
  }

  static Outcome<Json> StringToJson(const std::vector<Json>& args) {
    static const char* kName = "States.StringToJson";
    if (auto problem = Expect(kName, args, 0, "string")) return *problem;
    Json value = Json::parse(args[0].get_ref<const std::string&>(), nullptr, false);
    if (value.is_discarded()) {
      return Problem(kName, "the string is not valid JSON: " + args[0].dump());
    }
    return value;
  }

  static Outcome<Json> ArrayPartition(const std::vector<Json>& args) {
    static const char* kName = "States.ArrayPartition";
    if (auto problem = Expect(kName, args, 0, "array")) return *problem;
    Outcome<int64_t> size = ExpectInteger(kName, args, 1);
    if (!size.ok()) return size.failure();
    if (size.value() <= 0) return Problem(kName, "the chunk size must be greater than 0");
    Json out = Json::array();
    const Json& array = args[0];
    for (size_t i = 0; i < array.size(); i += static_cast<size_t>(size.value())) {
      size_t end = std::min(array.size(), i + static_cast<size_t>(size.value()));
      out.push_back(Json(std::vector<Json>(array.begin() + static_cast<std::ptrdiff_t>(i),
                                           array.begin() + static_cast<std::ptrdiff_t>(end))));
    }
    return out;
  }

  static Outcome<Json> ArrayContains(const std::vector<Json>& args) {
    if (auto problem = Expect("States.ArrayContains", args, 0, "array")) return *problem;
    return Json(std::any_of(args[0].begin(), args[0].end(),
                            [&](const Json& item) { return SameJson(item, args[1]); }));
  }

  // Inclusive of `end` when the steps land on it; at most kMaxRangeItems items.
  static Outcome<Json> ArrayRange(const std::vector<Json>& args) {
    static const char* kName = "States.ArrayRange";
    int64_t values[3];
    for (size_t i = 0; i < 3; ++i) {
      Outcome<int64_t> value = ExpectInteger(kName, args, i);
      if (!value.ok()) return value.failure();
      values[i] = value.value();
    }
    auto [start, end, step] = values;
    if (step == 0) return Problem(kName, "the step must not be 0");
    __int128 span = static_cast<__int128>(end) - start;
    __int128 count = (span / step) + 1;
    if ((span < 0) != (step < 0) && span != 0) count = 0;
    if (count > kMaxRangeItems) {
      return Problem(
          kName, "the range would have " +
                     std::string(count > 1000000000 ? "more than 1000000000"
                                                    : std::to_string(static_cast<int64_t>(count))) +
                     " items; the limit is " + std::to_string(kMaxRangeItems));
    }
    Json out = Json::array();
    for (int64_t i = 0; i < count; ++i) out.push_back(start + i * step);
    return out;
  }

  static Outcome<Json> ArrayGetItem(const std::vector<Json>& args) {
    static const char* kName = "States.ArrayGetItem";
    if (auto problem = Expect(kName, args, 0, "array")) return *problem;
    Outcome<int64_t> index = ExpectInteger(kName, args, 1);
    if (!index.ok()) return index.failure();
    if (index.value() < 0 || static_cast<uint64_t>(index.value()) >= args[0].size()) {
      return Problem(kName, "index " + std::to_string(index.value()) + " is outside the array of " +
                                std::to_string(args[0].size()) + " item(s)");
    }
    return args[0][static_cast<size_t>(index.value())];
  }

  static Outcome<Json> ArrayLength(const std::vector<Json>& args) {
    if (auto problem = Expect("States.ArrayLength", args, 0, "array")) return *problem;
    return Json(args[0].size());
  }

  static Outcome<Json> ArrayUnique(const std::vector<Json>& args) {
    if (auto problem = Expect("States.ArrayUnique", args, 0, "array")) return *problem;
    Json out = Json::array();
    for (const Json& item : args[0]) {
      if (std::none_of(out.begin(), out.end(), [&](const Json& seen) { return SameJson(seen, item); })) {
        out.push_back(item);
      }
    }
    return out;
  }

  static std::optional<Failure> ExpectShortString(const char* function,
                                                  const std::vector<Json>& args) {
    if (auto problem = Expect(function, args, 0, "string")) return problem;
    size_t characters = CountCharacters(args[0].get_ref<const std::string&>());
    if (characters <= kMaxInputCharacters) return std::nullopt;
    return Problem(function, "the input has " + std::to_string(characters) +
                                 " characters; the limit is " +
                                 std::to_string(kMaxInputCharacters));
  }

  static Outcome<Json> Base64Encode(const std::vector<Json>& args) {
    if (auto problem = ExpectShortString("States.Base64Encode", args)) return *problem;
    const std::string& data = args[0].get_ref<const std::string&>();
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(written));
    return Json(std::move(out));
  }

  static Outcome<Json> Base64Decode(const std::vector<Json>& args) {
    static const char* kName = "States.Base64Decode";
    if (auto problem = ExpectShortString(kName, args)) return *problem;
    const std::string& text = args[0].get_ref<const std::string&>();
    if (text.size() % 4 != 0) return Problem(kName, "the input is not valid Base64");
    std::string out(text.size() / 4 * 3, '\0');
    int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    size_t padding = text.ends_with("==") ? 2 : (text.ends_with("=") ? 1 : 0);
    if (written < 0) return Problem(kName, "the input is not valid Base64");
    out.resize(static_cast<size_t>(written) - padding);
    if (!IsUtf8Text(out)) return Problem(kName, "the decoded data is not UTF-8 text");
    return Json(std::move(out));
  }

  static Outcome<Json> Hash(const std::vector<Json>& args) {
    static const char* kName = "States.Hash";
    if (auto problem = ExpectShortString(kName, args)) return *problem;
    if (auto problem = Expect(kName, args, 1, "string")) return *problem;
    static const std::map<std::string, const EVP_MD* (*)(), std::less<>> kAlgorithms = {
        {"MD5", EVP_md5},
        {"SHA-1", EVP_sha1},
        {"SHA-256", EVP_sha256},
        {"SHA-384", EVP_sha384},
        {"SHA-512", EVP_sha512}};
    auto algorithm = kAlgorithms.find(args[1].get_ref<const std::string&>());
    if (algorithm == kAlgorithms.end()) {
      return Problem(kName, "unsupported algorithm " + args[1].dump() +
                                " (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)");
    }
    const std::string& data = args[0].get_ref<const std::string&>();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, algorithm->second(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
      char byte[3];
      std::snprintf(byte, sizeof byte, "%02x", digest[i]);
      hex += byte;
    }
    return Json(std::move(hex));
  }

  // Shallow: the second object's members replace the first's. Deep merging is refused, as in
  // Step Functions.
  static Outcome<Json> JsonMerge(const std::vector<Json>& args) {
    static const char* kName = "States.JsonMerge";
    if (auto problem = Expect(kName, args, 0, "object")) return *problem;
    if (auto problem = Expect(kName, args, 1, "object")) return *problem;
    if (auto problem = Expect(kName, args, 2, "boolean")) return *problem;
    if (args[2].get<bool>()) {
      return Problem(kName, "deep merging is not supported; the third argument must be false");
    }
    Json out = args[0];
    for (const auto& [key, value] : args[1].items()) out[key] = value;
    return out;
  }

  // An integer in [start, end] (both included); the same seed gives the same number.
  Outcome<Json> MathRandom(const std::vector<Json>& args) {
    static const char* kName = "States.MathRandom";
    Outcome<int64_t> start = ExpectInteger(kName, args, 0);
    if (!start.ok()) return start.failure();
    Outcome<int64_t> end = ExpectInteger(kName, args, 1);
    if (!end.ok()) return end.failure();
    if (start.value() > end.value()) {
      return Problem(kName, "the start must not be greater than the end");
    }
    uint64_t draw;
    if (args.size() == 3) {
      Outcome<int64_t> seed = ExpectInteger(kName, args, 2);
      if (!seed.ok()) return seed.failure();
      std::mt19937_64 seeded(static_cast<uint64_t>(seed.value()));
      draw = seeded();
    } else {
      draw = random_();
    }
    unsigned __int128 width =
        static_cast<unsigned __int128>(static_cast<__int128>(end.value()) - start.value()) + 1;
    return Json(static_cast<int64_t>(start.value() + static_cast<__int128>(draw % width)));
  }

  static Outcome<Json> MathAdd(const std::vector<Json>& args) {
    static const char* kName = "States.MathAdd";
    Outcome<int64_t> a = ExpectInteger(kName, args, 0);
    if (!a.ok()) return a.failure();
    Outcome<int64_t> b = ExpectInteger(kName, args, 1);
    if (!b.ok()) return b.failure();
    int64_t sum;
    if (__builtin_add_overflow(a.value(), b.value(), &sum)) {
      return Problem(kName, "the sum is outside the range of 64-bit integers");
    }
    return Json(sum);
  }

  // Every character of the second argument is a delimiter; empty pieces are dropped.
  static Outcome<Json> StringSplit(const std::vector<Json>& args) {
    static const char* kName = "States.StringSplit";
    if (auto problem = Expect(kName, args, 0, "string")) return *problem;
    if (auto problem = Expect(kName, args, 1, "string")) return *problem;
    const std::string& text = args[0].get_ref<const std::string&>();
    const std::string& delimiters = args[1].get_ref<const std::string&>();
    Json out = Json::array();
    std::string piece;
    for (char c : text) {
      if (delimiters.find(c) == std::string::npos) {
        piece.push_back(c);
      } else if (!piece.empty()) {
        out.push_back(std::move(piece));
        piece.clear();
      }
    }
    if (!piece.empty()) out.push_back(std::move(piece));
    return out;
  }

  // A version 4 (random) UUID.
  Outcome<Json> Uuid() {
    unsigned char bytes[16];
    for (int half = 0; half < 2; ++half) {
      uint64_t draw = random_();
      for (int i = 0; i < 8; ++i) bytes[half * 8 + i] = static_cast<unsigned char>(draw >> (8 * i));
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
    std::string out;
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
      char byte[3];
      std::snprintf(byte, sizeof byte, "%02x", bytes[i]);
      out += byte;
    }
    return Json(std::move(out));
  }

  const PathScope& scope_;
  const RandomSource& random_;
};

}  // namespace

bool LooksLikeIntrinsic(std::string_view text) {
  if (!text.starts_with("States.")) return false;
  size_t i = 7;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  return i > 7 && i < text.size() && text[i] == '(';
}

std::string CheckIntrinsic(std::string_view text) {
  Result<Call> call = CallParser(text).ParseWhole();
  return call.ok() ? std::string() : call.error().message;
}

Outcome<Json> EvaluateIntrinsic(std::string_view text, const PathScope& scope,
                                const RandomSource& random) {
  Result<Call> call = CallParser(text).ParseWhole();
  if (!call.ok()) return Failure{kStatesIntrinsicFailure, call.error().message};
  return Interpreter(scope, random).Evaluate(*call);
}

}  // namespace wfm::asl
