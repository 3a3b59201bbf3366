// Checks of Retry and Catch (the specification's "Error handling").
#include <set>

#include "asl/validate_internal.h"

namespace wfm::asl::validation {

namespace {

constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";

// ErrorEquals of retrier or catcher `what`: a non-empty array of non-empty strings; States.ALL
// alone in it and only in the last element of the list. Returns whether it holds States.ALL.
bool CheckErrorEquals(const StateRef& ref, const Json& element, const std::string& location,
                      const std::string& what, bool last) {
  auto it = element.find("ErrorEquals");
  if (it == element.end()) {
    ref.findings->Error(kSchema, location, ref.what + ": " + what + " has no 'ErrorEquals'");
    return false;
  }
  std::string at = Pointer(location, "ErrorEquals");
  if (!it->is_array() || it->empty()) {
    ref.findings->Error(kSchema, at,
                        ref.what + ": 'ErrorEquals' of " + what +
                            " must be a non-empty array of error names, not " + Show(*it));
    return false;
  }
  bool has_all = false;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& name = (*it)[i];
    if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
      ref.findings->Error(kSchema, Pointer(at, i),
                          ref.what + ": 'ErrorEquals' of " + what +
                              " must hold non-empty strings, not " + Show(name));
    } else if (name == kStatesAll) {
      has_all = true;
    }
  }
  if (has_all && it->size() > 1) {
    ref.findings->Error(kSchema, at,
                        ref.what + ": 'States.ALL' must appear alone in 'ErrorEquals' of " + what);
  }
  if (has_all && !last) {
    ref.findings->Error(kSchema, at,
                        ref.what + ": " + what + " uses 'States.ALL' but is not the last one");
  }
  return has_all;
}

void CheckAllowed(const StateRef& ref, const Json& element, const std::string& location,
                  const std::string& what, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : element.items()) {
    if (!allowed.contains(key)) {
      ref.findings->Error(
          kSchema, Pointer(location, key),
          ref.what + ": " + what + " has the field '" + key + "', which is not allowed there");
    }
  }
}

}  // namespace

void CheckRetry(const StateRef& ref, const Json& retry) {
  std::string location = Pointer(ref.location, "Retry");
  if (!retry.is_array()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": 'Retry' must be an array of retriers, not " + Show(retry));
    return;
  }
  static const std::set<std::string> kAllowed = {"ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                                 "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                                 "Comment"};
  for (size_t i = 0; i < retry.size(); ++i) {
    const Json& retrier = retry[i];
    std::string at = Pointer(location, i);
    std::string what = "retrier " + std::to_string(i);
    if (!retrier.is_object()) {
      ref.findings->Error(kSchema, at, ref.what + ": " + what + " must be a JSON object");
      continue;
    }
    CheckAllowed(ref, retrier, at, what, kAllowed);
    CheckErrorEquals(ref, retrier, at, what, i + 1 == retry.size());
    auto field = [&](const char* name) -> const Json* {
      auto it = retrier.find(name);
      return it == retrier.end() ? nullptr : &*it;
    };
    auto bad = [&](const char* name, const std::string& rule) {
      ref.findings->Error(kSchema, Pointer(at, name),
                          ref.what + ": '" + name + "' of " + what + " must be " + rule + ", not " +
                              Show(*field(name)));
    };
    if (field("IntervalSeconds") && !IsIntegerIn(*field("IntervalSeconds"), 1, kMaxSeconds)) {
      bad("IntervalSeconds", "an integer from 1 to 99999999");
    }
    if (field("MaxAttempts") && !IsIntegerIn(*field("MaxAttempts"), 0, kMaxSeconds)) {
      bad("MaxAttempts", "an integer from 0 to 99999999");
    }
    if (const Json* rate = field("BackoffRate");
        rate && !(rate->is_number() && rate->get<double>() >= 1.0)) {
      bad("BackoffRate", "a number greater than or equal to 1.0");
    }
    if (field("MaxDelaySeconds") &&
        !IsIntegerIn(*field("MaxDelaySeconds"), 1, kMaxRetryDelaySeconds)) {
      bad("MaxDelaySeconds", "an integer from 1 to 31622400");
    }
    if (const Json* jitter = field("JitterStrategy");
        jitter && *jitter != "FULL" && *jitter != "NONE") {
      bad("JitterStrategy", "\"FULL\" or \"NONE\"");
    }
    if (field("Comment") && !field("Comment")->is_string()) bad("Comment", "a string");
  }
}

void CheckCatch(const StateRef& ref, const Json& catchers) {
  std::string location = Pointer(ref.location, "Catch");
  if (!catchers.is_array()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": 'Catch' must be an array of catchers, not " + Show(catchers));
    return;
  }
  static const std::set<std::string> kAllowed = {"ErrorEquals", "Next", "ResultPath", "Comment",
                                                 "Assign"};
  for (size_t i = 0; i < catchers.size(); ++i) {
    const Json& catcher = catchers[i];
    std::string at = Pointer(location, i);
    std::string what = "catcher " + std::to_string(i);
    if (!catcher.is_object()) {
      ref.findings->Error(kSchema, at, ref.what + ": " + what + " must be a JSON object");
      continue;
    }
    CheckAllowed(ref, catcher, at, what, kAllowed);
    CheckErrorEquals(ref, catcher, at, what, i + 1 == catchers.size());
    auto next = catcher.find("Next");
    if (next == catcher.end() || !next->is_string()) {
      ref.findings->Error(kSchema, Pointer(at, "Next"),
                          ref.what + ": " + what + " needs 'Next', the name of a state");
    } else {
      ref.transitions->push_back(Transition{next->get<std::string>(), Pointer(at, "Next"),
                                            ref.what + ": 'Next' of " + what});
    }
    if (auto it = catcher.find("ResultPath"); it != catcher.end()) {
      CheckResultPathField(ref, *it, Pointer(at, "ResultPath"));
    }
    if (auto it = catcher.find("Assign"); it != catcher.end()) {
      CheckAssignField(ref, *it, Pointer(at, "Assign"));
    }
    if (auto it = catcher.find("Comment"); it != catcher.end() && !it->is_string()) {
      ref.findings->Error(kSchema, Pointer(at, "Comment"),
                          ref.what + ": 'Comment' of " + what + " must be a string");
    }
  }
}

}  // namespace wfm::asl::validation
