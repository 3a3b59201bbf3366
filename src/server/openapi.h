// The OpenAPI description of the API (api/openapi.yaml), embedded at build time.
#pragma once

namespace wfm {
extern const char* const kOpenApiYaml;
}
