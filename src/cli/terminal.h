// The terminal wfm draws on: whether standard output is one, how wide it is, and how to redraw a
// block of lines in place.
#pragma once

#include <cstddef>
#include <string>

namespace wfm::cli {

// True when standard output is a terminal.
bool StdoutIsTerminal();

// The width of the terminal on standard output in columns; 0 when unknown (not a terminal).
size_t TerminalWidth();

// The bytes that replace the `previous_lines` lines drawn last (the cursor on the line below
// them) with `text` (lines ending in '\n'): the cursor moved up, each line cleared before it is
// written, and whatever remains below cleared, so a shorter text leaves nothing behind.
std::string RedrawSequence(size_t previous_lines, const std::string& text);

// The number of lines in `text` (its '\n' characters).
size_t LineCount(const std::string& text);

}  // namespace wfm::cli
