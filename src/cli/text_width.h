// The width text takes on a terminal: UTF-8 code points count one column each, ANSI escape
// sequences (colours, cursor moves) none. (East Asian wide characters are counted as one: state
// and workflow names are rarely written in them, and a wrong count only misaligns a column.)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wfm::cli {

// The number of columns `text` takes.
size_t VisibleWidth(std::string_view text);

// `text` cut to at most `width` columns, escape sequences kept whole; when something was cut and
// the text holds escape sequences, a colour reset ends it. width 0 means no limit.
std::string TruncateVisible(std::string_view text, size_t width);

// Each line of `text` (lines ending in '\n') cut by TruncateVisible to `width` columns.
std::string TruncateLines(std::string_view text, size_t width);

// `text` followed by spaces up to `width` columns (unchanged when already as wide).
std::string PadVisible(std::string_view text, size_t width);

}  // namespace wfm::cli
