// Aligned text tables, the `--output table` form of every listing.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace wfm::cli {

using TableRow = std::vector<std::string>;

// A header line then one line per row: each column as wide as its widest cell, columns separated
// by two spaces, no trailing spaces, every line ending in '\n'. Rows shorter than the header are
// padded with empty cells. Cells may hold ANSI colours (they take no width).
std::string RenderTable(const TableRow& header, const std::vector<TableRow>& rows);

// "Label:  value" lines, the labels padded to one width: the table form of a single object.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace wfm::cli
