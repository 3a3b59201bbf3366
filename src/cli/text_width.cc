#include "cli/text_width.h"

namespace wfm::cli {
namespace {

// The length of the escape sequence at text[i] (ESC '[' parameters final-letter), or 0 when
// text[i] does not begin one.
size_t EscapeLength(std::string_view text, size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') return 0;
  size_t end = i + 2;
  while (end < text.size() && !(text[end] >= '@' && text[end] <= '~')) ++end;
  return end < text.size() ? end - i + 1 : text.size() - i;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

size_t VisibleWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    if (size_t escape = EscapeLength(text, i)) {
      i += escape;
      continue;
    }
    if (!IsContinuationByte(text[i])) ++width;
    ++i;
  }
  return width;
}

std::string TruncateVisible(std::string_view text, size_t width) {
  if (width == 0 || VisibleWidth(text) <= width) return std::string(text);
  std::string out;
  size_t columns = 0;
  bool had_escape = false;
  for (size_t i = 0; i < text.size();) {
    if (size_t escape = EscapeLength(text, i)) {
      out.append(text.substr(i, escape));
      had_escape = true;
      i += escape;
      continue;
    }
    if (!IsContinuationByte(text[i])) {
      if (columns == width) break;
      ++columns;
    }
    out += text[i++];
  }
  if (had_escape) out += "\x1b[0m";
  return out;
}

std::string TruncateLines(std::string_view text, size_t width) {
  if (width == 0) return std::string(text);
  std::string out;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += TruncateVisible(text.substr(start, end - start), width) + "\n";
    start = end + 1;
  }
  return out;
}

std::string PadVisible(std::string_view text, size_t width) {
  std::string out(text);
  size_t visible = VisibleWidth(text);
  if (visible < width) out.append(width - visible, ' ');
  return out;
}

}  // namespace wfm::cli
