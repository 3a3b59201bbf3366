// What the service serves from its own binary, embedded at build time: the OpenAPI description
// of the API (api/openapi.yaml) and the web UI's files (ui/).
#pragma once

#include <vector>

#include "api/embedded_file.h"

namespace wfm {
extern const char* const kOpenApiYaml;
extern const std::vector<EmbeddedFile> kUiFiles;
}
