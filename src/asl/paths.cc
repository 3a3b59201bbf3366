#include "asl/paths.h"

#include <algorithm>
#include <vector>

#include "asl/json_equal.h"
#include "asl/json_path_parser.h"

namespace wfm::asl {
namespace {

using json_path::FilterNode;
using json_path::FilterOperand;
using json_path::ParsePath;
using json_path::Path;
using json_path::Segment;
using json_path::Selector;

using Nodes = std::vector<const Json*>;

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// The path in Jayway's normalised form ("$['a'][0]"), as Step Functions quotes it in errors.
std::string Normalised(const Path& path) {
  std::string out = path.root == Path::Root::kContext    ? "$$"
                    : path.root == Path::Root::kVariable ? "$" + path.variable
                                                         : "$";
  for (const Segment& segment : path.segments) {
    const Selector& selector = segment.selectors.front();
    out += selector.kind == Selector::Kind::kIndex ? "[" + std::to_string(selector.index) + "]"
                                                   : "['" + selector.name + "']";
  }
  return out;
}

class Evaluator {
 public:
  explicit Evaluator(const PathScope& scope) : scope_(scope) {}

  // The root node of `path` (null when absent: no such variable, or no document in scope).
  const Json* RootOf(const Path& path, const Json* current) const {
    switch (path.root) {
      case Path::Root::kInput:
        return scope_.input;
      case Path::Root::kContext:
        return scope_.context;
      case Path::Root::kCurrent:
        return current;
      case Path::Root::kVariable: {
        if (scope_.variables == nullptr || !scope_.variables->is_object()) return nullptr;
        auto it = scope_.variables->find(path.variable);
        return it == scope_.variables->end() ? nullptr : &*it;
      }
    }
    return nullptr;
  }

  Nodes Select(const Path& path, const Json* current) const {
    Nodes nodes;
    if (const Json* root = RootOf(path, current)) nodes.push_back(root);
    for (const Segment& segment : path.segments) {
      Nodes next;
      for (const Json* node : nodes) Apply(segment, *node, next);
      nodes = std::move(next);
    }
    return nodes;
  }

 private:
  // A deep segment visits the node and its descendants in document order (pre-order), with an
  // explicit stack so that deeply nested input can't exhaust the call stack.
  void Apply(const Segment& segment, const Json& node, Nodes& out) const {
    Nodes pending = {&node};
    while (!pending.empty()) {
      const Json* current = pending.back();
      pending.pop_back();
      for (const Selector& selector : segment.selectors) ApplySelector(selector, *current, out);
      if (!segment.deep || !current->is_structured()) continue;
      size_t first_child = pending.size();
      for (const Json& child : *current) pending.push_back(&child);
      std::reverse(pending.begin() + static_cast<std::ptrdiff_t>(first_child), pending.end());
    }
  }

  void ApplySelector(const Selector& selector, const Json& node, Nodes& out) const {
    switch (selector.kind) {
      case Selector::Kind::kName:
        if (node.is_object()) {
          auto it = node.find(selector.name);
          if (it != node.end()) out.push_back(&*it);
        }
        return;
      case Selector::Kind::kIndex:
        if (node.is_array()) {
          int64_t size = static_cast<int64_t>(node.size());
          int64_t index = selector.index < 0 ? size + selector.index : selector.index;
          if (index >= 0 && index < size) out.push_back(&node[static_cast<size_t>(index)]);
        }
        return;
      case Selector::Kind::kWildcard:
        if (node.is_structured()) {
          for (const Json& child : node) out.push_back(&child);
        }
        return;
      case Selector::Kind::kSlice:
        if (node.is_array()) ApplySlice(selector, node, out);
        return;
      case Selector::Kind::kFilter:
        // As Jayway (Step Functions' JsonPath): an array filters its elements, an object itself.
        if (node.is_array()) {
          for (const Json& child : node) {
            if (Matches(*selector.filter, child)) out.push_back(&child);
          }
        } else if (node.is_object() && Matches(*selector.filter, node)) {
          out.push_back(&node);
        }
        return;
    }
  }

  static void ApplySlice(const Selector& selector, const Json& node, Nodes& out) {
    int64_t size = static_cast<int64_t>(node.size());
    int64_t step = selector.step.value_or(1);
    auto clamp = [&](std::optional<int64_t> bound, int64_t fallback) {
      if (!bound) return fallback;
      int64_t value = *bound < 0 ? size + *bound : *bound;
      return step > 0 ? std::clamp<int64_t>(value, 0, size)
                      : std::clamp<int64_t>(value, -1, size - 1);
    };
    if (step > 0) {
      int64_t end = clamp(selector.end, size);
      for (int64_t i = clamp(selector.start, 0); i < end; i += step) {
        out.push_back(&node[static_cast<size_t>(i)]);
      }
    } else {
      int64_t end = clamp(selector.end, -1);
      for (int64_t i = clamp(selector.start, size - 1); i > end; i += step) {
        out.push_back(&node[static_cast<size_t>(i)]);
      }
    }
  }

  // The operand's value; nullopt when a path selects nothing. An indefinite path gives an array.
  std::optional<Json> ValueOf(const FilterOperand& operand, const Json& current) const {
    if (operand.kind == FilterOperand::Kind::kLiteral) return operand.literal;
    Nodes nodes = Select(operand.path, &current);
    if (!operand.path.IsDefinite()) {
      Json array = Json::array();
      for (const Json* node : nodes) array.push_back(*node);
      return array;
    }
    if (nodes.empty()) return std::nullopt;
    return *nodes.front();
  }

  static bool Compare(const std::string& op, const std::optional<Json>& left,
                      const std::optional<Json>& right) {
    if (op == "==" || op == "!=") {
      bool same = left && right ? SameJson(*left, *right) : left.has_value() == right.has_value();
      return (op == "==") == same;
    }
    if (!left || !right) return false;
    int order;
    if (left->is_number() && right->is_number()) {
      double a = left->get<double>(), b = right->get<double>();
      order = a < b ? -1 : (a > b ? 1 : 0);
    } else if (left->is_string() && right->is_string()) {
      order = left->get_ref<const std::string&>().compare(right->get_ref<const std::string&>());
    } else {
      return false;
    }
    if (op == "<") return order < 0;
    if (op == "<=") return order <= 0;
    if (op == ">") return order > 0;
    return order >= 0;
  }

  bool Matches(const FilterNode& filter, const Json& current) const {
    switch (filter.kind) {
      case FilterNode::Kind::kOr:
        return std::any_of(filter.children.begin(), filter.children.end(),
                           [&](const FilterNode& child) { return Matches(child, current); });
      case FilterNode::Kind::kAnd:
        return std::all_of(filter.children.begin(), filter.children.end(),
                           [&](const FilterNode& child) { return Matches(child, current); });
      case FilterNode::Kind::kNot:
        return !Matches(filter.children.front(), current);
      case FilterNode::Kind::kExists:
        return !Select(filter.left.path, &current).empty();
      case FilterNode::Kind::kCompare:
        return Compare(filter.op, ValueOf(filter.left, current), ValueOf(filter.right, current));
    }
    return false;
  }

  const PathScope& scope_;
};

// Where ApplyResultPath writes: the node for `selector` inside `parent`, created when missing.
Result<Json*> Step(Json& parent, const Selector& selector, const std::string& path) {
  if (selector.kind == Selector::Kind::kName) {
    if (!parent.is_object()) {
      return Invalid("Unable to apply ResultPath '" + path + "': '" + selector.name +
                     "' is not inside a JSON object");
    }
    return &parent[selector.name];
  }
  int64_t size = parent.is_array() ? static_cast<int64_t>(parent.size()) : 0;
  int64_t index = selector.index < 0 ? size + selector.index : selector.index;
  if (!parent.is_array() || index < 0 || index >= size) {
    return Invalid("Unable to apply ResultPath '" + path + "': index " +
                   std::to_string(selector.index) + " is not inside an array");
  }
  return &parent[static_cast<size_t>(index)];
}

}  // namespace

std::string CheckPath(std::string_view path) {
  Result<Path> parsed = ParsePath(path);
  return parsed.ok() ? std::string() : parsed.error().message;
}

std::string CheckReferencePath(std::string_view path) {
  Result<Path> parsed = ParsePath(path);
  if (!parsed.ok()) return parsed.error().message;
  std::string prefix = "Invalid reference path '" + std::string(path) + "': ";
  if (parsed->root == Path::Root::kContext)
    return prefix + "the context object ($$) is not allowed";
  if (parsed->root == Path::Root::kVariable) return prefix + "variables are not allowed";
  if (!parsed->IsDefinite()) {
    return prefix +
           "a reference path selects a single node (no wildcards, deep scan, slices, unions or "
           "filters)";
  }
  return {};
}

bool IsIndefinite(std::string_view path) {
  Result<Path> parsed = ParsePath(path);
  return parsed.ok() && !parsed->IsDefinite();
}

Result<Json> EvaluatePath(std::string_view path, const PathScope& scope) {
  Result<Path> parsed = ParsePath(path);
  if (!parsed.ok()) return parsed.error();
  Nodes nodes = Evaluator(scope).Select(*parsed, nullptr);
  if (!parsed->IsDefinite()) {
    Json array = Json::array();
    for (const Json* node : nodes) array.push_back(*node);
    return array;
  }
  if (nodes.empty()) {
    if (parsed->root == Path::Root::kVariable && parsed->segments.empty()) {
      return Invalid("Invalid path '" + std::string(path) + "': the variable '" + parsed->variable +
                     "' is not defined");
    }
    return Invalid("Invalid path '" + std::string(path) +
                   "' : No results for path: " + Normalised(*parsed));
  }
  return *nodes.front();
}

Result<Json> ApplyResultPath(std::string_view reference_path, const Json& input,
                             const Json& result) {
  if (std::string problem = CheckReferencePath(reference_path); !problem.empty()) {
    return Invalid(problem);
  }
  Path parsed = ParsePath(reference_path).value();
  if (parsed.segments.empty()) return result;
  std::string path(reference_path);
  Json output = input;
  Json* node = &output;
  for (const Segment& segment : parsed.segments) {
    const Selector& selector = segment.selectors.front();
    if (node->is_null() && selector.kind == Selector::Kind::kName && node != &output) {
      *node = Json::object();  // a member created on the way
    }
    Result<Json*> child = Step(*node, selector, path);
    if (!child.ok()) return child.error();
    node = *child;
  }
  *node = result;
  return output;
}

}  // namespace wfm::asl
