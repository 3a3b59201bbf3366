#include "asl/json_path_parser.h"

#include <cctype>
#include <charconv>
#include <utility>

namespace wfm::asl::json_path {
namespace {

// Deeper filter nesting than this is refused (keeps hostile input from exhausting the stack).
constexpr int kMaxFilterDepth = 32;

bool IsVariableStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsVariableChar(char c) {
  return IsVariableStart(c) || std::isdigit(static_cast<unsigned char>(c));
}
// Characters that end a member name written in dot notation.
bool EndsDotName(char c) {
  return c == '.' || c == '[' || c == ']' || c == '(' || c == ')' || c == ',' || c == '\'' ||
         c == '"' || c == '*' || c == '=' || c == '<' || c == '>' || c == '!' || c == '&' ||
         c == '|' || std::isspace(static_cast<unsigned char>(c));
}

Selector SelectorOf(Selector::Kind kind) {
  Selector selector;
  selector.kind = kind;
  return selector;
}

FilterNode NodeOf(FilterNode::Kind kind) {
  FilterNode node;
  node.kind = kind;
  return node;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Path> ParseWhole() {
    Path path;
    if (!ParsePathAt(path, /*in_filter=*/false)) return Failed();
    if (pos_ != text_.size()) {
      Fail("unexpected character '" + std::string(1, text_[pos_]) + "'");
      return Failed();
    }
    return path;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool Consume(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }
  bool ConsumeText(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  void SkipSpaces() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }
  bool Fail(const std::string& what) {
    if (error_.empty()) {
      error_ = "Invalid JSONPath '" + std::string(text_) + "': " + what + " at position " +
               std::to_string(pos_);
    }
    return false;
  }
  Error Failed() const { return Error{ErrorCode::kInvalidArgument, error_}; }

  // root segment*. In a filter, "@" is the current node and the path stops before an operator.
  bool ParsePathAt(Path& path, bool in_filter) {
    if (in_filter && Consume('@')) {
      path.root = Path::Root::kCurrent;
    } else if (!Consume('$')) {
      return Fail("a path must start with '$'");
    } else if (Consume('$')) {
      path.root = Path::Root::kContext;
    } else if (IsVariableStart(Peek()) && !AtEnd()) {
      if (in_filter) return Fail("variables are not allowed in filters");
      path.root = Path::Root::kVariable;
      size_t start = pos_;
      while (!AtEnd() && IsVariableChar(Peek())) ++pos_;
      path.variable = std::string(text_.substr(start, pos_ - start));
    }
    while (!AtEnd()) {
      char c = Peek();
      if (c != '.' && c != '[') break;
      Segment segment;
      if (!ParseSegment(segment)) return false;
      path.segments.push_back(std::move(segment));
    }
    return true;
  }

  bool ParseSegment(Segment& segment) {
    if (Consume('[')) return ParseBracket(segment);
    Consume('.');
    if (Consume('.')) {
      segment.deep = true;
      if (Consume('[')) return ParseBracket(segment);
    }
    Selector selector;
    if (Consume('*')) {
      selector.kind = Selector::Kind::kWildcard;
    } else {
      size_t start = pos_;
      while (!AtEnd() && !EndsDotName(Peek())) ++pos_;
      if (pos_ == start) return Fail("expected a member name after '.'");
      selector.name = std::string(text_.substr(start, pos_ - start));
    }
    segment.selectors.push_back(std::move(selector));
    return true;
  }

  // After "[": "*", a union of indexes or quoted names, a slice, or "?(filter)"; then "]".
  bool ParseBracket(Segment& segment) {
    SkipSpaces();
    if (Consume('*')) {
      segment.selectors.push_back(SelectorOf(Selector::Kind::kWildcard));
    } else if (Consume('?')) {
      SkipSpaces();
      if (!Consume('(')) return Fail("expected '(' after '[?'");
      auto node = std::make_shared<FilterNode>();
      if (!ParseOr(*node, 0)) return false;
      SkipSpaces();
      if (!Consume(')')) return Fail("expected ')' closing the filter");
      Selector selector = SelectorOf(Selector::Kind::kFilter);
      selector.filter = node;
      segment.selectors.push_back(std::move(selector));
    } else {
      if (!ParseUnionOrSlice(segment)) return false;
    }
    SkipSpaces();
    if (!Consume(']')) return Fail(AtEnd() ? "unterminated '['" : "expected ']'");
    return true;
  }

  bool ParseUnionOrSlice(Segment& segment) {
    // A slice has a ':' before the closing bracket at the top level of this bracket.
    if (Peek() == ':' ||
        ((Peek() == '-' || std::isdigit(static_cast<unsigned char>(Peek()))) && LooksLikeSlice())) {
      return ParseSlice(segment);
    }
    while (true) {
      SkipSpaces();
      Selector selector;
      if (Peek() == '\'' || Peek() == '"') {
        if (!ParseQuoted(selector.name)) return false;
      } else {
        selector.kind = Selector::Kind::kIndex;
        if (!ParseInteger(selector.index)) return false;
      }
      segment.selectors.push_back(std::move(selector));
      SkipSpaces();
      if (!Consume(',')) return true;
    }
  }

  bool LooksLikeSlice() const {
    size_t i = pos_;
    while (i < text_.size() &&
           (text_[i] == '-' || std::isdigit(static_cast<unsigned char>(text_[i])) ||
            text_[i] == ' ')) {
      ++i;
    }
    return i < text_.size() && text_[i] == ':';
  }

  bool ParseSlice(Segment& segment) {
    Selector selector = SelectorOf(Selector::Kind::kSlice);
    std::optional<int64_t>* parts[] = {&selector.start, &selector.end, &selector.step};
    for (int part = 0; part < 3; ++part) {
      SkipSpaces();
      if (Peek() == '-' || std::isdigit(static_cast<unsigned char>(Peek()))) {
        int64_t value = 0;
        if (!ParseInteger(value)) return false;
        *parts[part] = value;
      }
      SkipSpaces();
      if (part < 2 && !Consume(':')) break;
    }
    if (selector.step && *selector.step == 0) return Fail("a slice step can't be 0");
    segment.selectors.push_back(std::move(selector));
    return true;
  }

  bool ParseInteger(int64_t& value) {
    size_t start = pos_;
    if (Peek() == '-') ++pos_;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    std::string_view digits = text_.substr(start, pos_ - start);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || digits == "-") {
      pos_ = start;
      return Fail("expected an index, a quoted name, '*', a slice or a filter");
    }
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      pos_ = start;
      return Fail("index out of range");
    }
    return true;
  }

  // A name in single or double quotes; a backslash escapes the next character.
  bool ParseQuoted(std::string& out) {
    char quote = text_[pos_++];
    out.clear();
    while (true) {
      if (AtEnd()) return Fail("unterminated quoted name");
      char c = text_[pos_++];
      if (c == quote) return true;
      if (c == '\\') {
        if (AtEnd()) return Fail("unterminated quoted name");
        c = text_[pos_++];
      }
      out.push_back(c);
    }
  }

  bool ParseOr(FilterNode& node, int depth) {
    if (depth > kMaxFilterDepth) return Fail("filter nested too deeply");
    FilterNode first;
    if (!ParseAnd(first, depth)) return false;
    SkipSpaces();
    if (text_.substr(pos_, 2) != "||") {
      node = std::move(first);
      return true;
    }
    node = NodeOf(FilterNode::Kind::kOr);
    node.children.push_back(std::move(first));
    while (ConsumeText("||")) {
      FilterNode next;
      if (!ParseAnd(next, depth)) return false;
      node.children.push_back(std::move(next));
      SkipSpaces();
    }
    return true;
  }

  bool ParseAnd(FilterNode& node, int depth) {
    FilterNode first;
    if (!ParseUnary(first, depth)) return false;
    SkipSpaces();
    if (text_.substr(pos_, 2) != "&&") {
      node = std::move(first);
      return true;
    }
    node = NodeOf(FilterNode::Kind::kAnd);
    node.children.push_back(std::move(first));
    while (ConsumeText("&&")) {
      FilterNode next;
      if (!ParseUnary(next, depth)) return false;
      node.children.push_back(std::move(next));
      SkipSpaces();
    }
    return true;
  }

  bool ParseUnary(FilterNode& node, int depth) {
    if (depth > kMaxFilterDepth) return Fail("filter nested too deeply");
    SkipSpaces();
    if (Peek() == '!' && Peek(1) != '=') {
      ++pos_;
      node = NodeOf(FilterNode::Kind::kNot);
      node.children.emplace_back();
      return ParseUnary(node.children.back(), depth + 1);
    }
    if (Consume('(')) {
      if (!ParseOr(node, depth + 1)) return false;
      SkipSpaces();
      if (!Consume(')')) return Fail("expected ')'");
      return true;
    }
    FilterOperand left;
    if (!ParseOperand(left)) return false;
    SkipSpaces();
    static constexpr std::string_view kOperators[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (std::string_view op : kOperators) {
      if (ConsumeText(op)) {
        node = NodeOf(FilterNode::Kind::kCompare);
        node.op = std::string(op);
        node.left = std::move(left);
        SkipSpaces();
        return ParseOperand(node.right);
      }
    }
    if (left.kind != FilterOperand::Kind::kPath) {
      return Fail("expected a comparison operator after a literal");
    }
    node = NodeOf(FilterNode::Kind::kExists);
    node.left = std::move(left);
    return true;
  }

  bool ParseOperand(FilterOperand& operand) {
    SkipSpaces();
    char c = Peek();
    if (AtEnd()) return Fail("unterminated filter");
    if (c == '@' || c == '$') {
      operand.kind = FilterOperand::Kind::kPath;
      return ParsePathAt(operand.path, /*in_filter=*/true);
    }
    operand.kind = FilterOperand::Kind::kLiteral;
    if (c == '\'' || c == '"') {
      std::string text;
      if (!ParseQuoted(text)) return false;
      operand.literal = text;
      return true;
    }
    for (auto [word, value] :
         {std::pair<std::string_view, Json>{"true", true}, {"false", false}, {"null", nullptr}}) {
      if (ConsumeText(word)) {
        operand.literal = value;
        return true;
      }
    }
    size_t start = pos_;
    while (!AtEnd() && (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '-' ||
                        Peek() == '+' || Peek() == '.' || Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
    }
    Json number = Json::parse(text_.substr(start, pos_ - start), nullptr, false);
    if (pos_ == start || !number.is_number()) {
      pos_ = start;
      return Fail("expected a path, a number, a quoted string, true, false or null");
    }
    operand.literal = std::move(number);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

bool Path::IsDefinite() const {
  for (const Segment& segment : segments) {
    if (segment.deep || segment.selectors.size() != 1) return false;
    auto kind = segment.selectors[0].kind;
    if (kind != Selector::Kind::kName && kind != Selector::Kind::kIndex) return false;
  }
  return true;
}

Result<Path> ParsePath(std::string_view text) { return Parser(text).ParseWhole(); }

}  // namespace wfm::asl::json_path
