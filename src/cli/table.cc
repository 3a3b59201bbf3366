#include "cli/table.h"

#include <algorithm>

#include "cli/text_width.h"

namespace wfm::cli {
namespace {

std::string RenderLine(const TableRow& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t column = 0; column < widths.size(); ++column) {
    const std::string cell = column < cells.size() ? cells[column] : "";
    if (column + 1 == widths.size()) {
      line += cell;
    } else {
      line += PadVisible(cell, widths[column]) + "  ";
    }
  }
  line.erase(line.find_last_not_of(' ') + 1);
  return line + "\n";
}

}  // namespace

std::string RenderTable(const TableRow& header, const std::vector<TableRow>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t column = 0; column < header.size(); ++column) {
    widths[column] = VisibleWidth(header[column]);
    for (const auto& row : rows) {
      if (column < row.size()) widths[column] = std::max(widths[column], VisibleWidth(row[column]));
    }
  }
  std::string out = RenderLine(header, widths);
  for (const auto& row : rows) out += RenderLine(row, widths);
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, VisibleWidth(label) + 1);
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string line = PadVisible(label + ":", width) + "  " + value;
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace wfm::cli
