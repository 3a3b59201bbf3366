// A file embedded into the binary at build time (cmake/Embed.cmake's embed_directory).
#pragma once

#include <string_view>
#include <vector>

namespace wfm {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded directory, '/'-separated
  std::string_view bytes;
};

}  // namespace wfm
