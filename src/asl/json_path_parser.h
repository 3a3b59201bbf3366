// The syntax tree of a JsonPath as Step Functions accepts it, and its parser. Private to paths.cc.
// Hand-written because Debian packages no C++ JsonPath library.
//
// Grammar (Jayway JsonPath, the dialect Step Functions uses):
//   path     := root segment*
//   root     := "$" | "$$" | "$" name        (input, context object, workflow variable)
//   segment  := "." name | ".*" | ".." (name | "*" | bracket) | bracket
//   bracket  := "[" ( "*" | union | slice | "?(" filter ")" ) "]"
//   union    := (index | quoted) ("," (index | quoted))*
//   slice    := [int] ":" [int] [":" [int]]
//   filter   := or;  or := and ("||" and)*;  and := unary ("&&" unary)*
//   unary    := "!" unary | "(" or ")" | operand [("=="|"!="|"<"|"<="|">"|">=") operand]
//   operand  := "@" segment* | path | number | quoted | "true" | "false" | "null"
// Pure; all functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asl/failure.h"
#include "core/result.h"

namespace wfm::asl::json_path {

struct FilterNode;

// One selector inside a segment; a union has several.
struct Selector {
  enum class Kind { kName, kIndex, kWildcard, kSlice, kFilter };
  Kind kind = Kind::kName;
  std::string name;                          // kName
  int64_t index = 0;                         // kIndex (negative counts from the end)
  std::optional<int64_t> start, end, step;   // kSlice
  std::shared_ptr<const FilterNode> filter;  // kFilter
};

struct Segment {
  bool deep = false;  // ".." (the selectors apply to every descendant too)
  std::vector<Selector> selectors;
};

struct Path {
  enum class Root { kInput, kContext, kVariable, kCurrent };  // $, $$, $name, @ (filters only)
  Root root = Root::kInput;
  std::string variable;  // kVariable
  std::vector<Segment> segments;

  // False when the path can select several nodes (wildcard, deep scan, slice, union, filter).
  bool IsDefinite() const;
};

struct FilterOperand {
  enum class Kind { kLiteral, kPath };
  Kind kind = Kind::kLiteral;
  Json literal;  // kLiteral
  Path path;     // kPath (root kCurrent for "@", kInput for "$", ...)
};

struct FilterNode {
  enum class Kind { kOr, kAnd, kNot, kCompare, kExists };
  Kind kind = Kind::kExists;
  std::vector<FilterNode> children;  // kOr / kAnd: two or more; kNot: one
  std::string op;                    // kCompare: "==", "!=", "<", "<=", ">", ">="
  FilterOperand left, right;         // kCompare: both; kExists: left (a path)
};

// Parses the whole of `text`. Errors: kInvalidArgument with a message naming the path, what is
// wrong and the character position (0-based).
Result<Path> ParsePath(std::string_view text);

}  // namespace wfm::asl::json_path
