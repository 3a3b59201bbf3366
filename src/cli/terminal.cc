#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace wfm::cli {

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

size_t TerminalWidth() {
  struct winsize size = {};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

std::string RedrawSequence(size_t previous_lines, const std::string& text) {
  std::string out;
  if (previous_lines > 0) out += "\x1b[" + std::to_string(previous_lines) + "A\r";
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "\x1b[2K" + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  out += "\x1b[J";
  return out;
}

size_t LineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace wfm::cli
