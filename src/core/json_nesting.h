// A guard run on client JSON before it is parsed: every recursive walk of a parsed document
// (dump, copy, validation) then has a bounded depth, so no input can overflow the stack.
#pragma once

#include <string_view>

#include "core/result.h"

namespace wfm {

// Checks that arrays and objects in `text` nest at most `max_depth` levels (strings, with their
// escapes, are skipped; the text need not be valid JSON). Linear in the text's size, no
// allocation. Errors: kInvalidArgument saying how deep the limit is.
Status CheckJsonNesting(std::string_view text, int max_depth);

}  // namespace wfm
