// Checks api/openapi.yaml: a valid OpenAPI 3 document (by @apidevtools/swagger-parser) that
// describes every route the service serves, each error answer with the Error schema, and every
// answer with its X-Request-Id header.
//   node openapi_check.mjs path/to/openapi.yaml
import SwaggerParser from "@apidevtools/swagger-parser";

const routes = {  // what src/api/api.cc routes (the Step Functions face at POST / excepted)
  "/_health": ["get"], "/openapi.yaml": ["get"], "/metrics": ["get"], "/job-definitions": ["get"],
  "/workflows": ["get", "post"], "/workflows/{name}": ["get", "put"],
  "/workflows/{name}/revisions": ["get"], "/workflows/{name}/{revision}": ["get"],
  "/jobs": ["get", "post"], "/jobs/": ["post"], "/jobs/{id}": ["get", "delete"],
  "/jobs/{id}/tasks/{state}/log": ["get"], "/events": ["get"], "/executions/{arn}": ["get"],
  "/ui": ["get"], "/ui/": ["get"], "/ui/{file}": ["get"],
};
let passed = 0, failed = 0;
const check = (ok, what) => { ok ? passed++ : failed++; console.log(`${ok ? "ok" : "FAIL"}: ${what}`); };

let api;
try {
  api = await SwaggerParser.validate(process.argv[2]);
  check(true, `valid OpenAPI ${api.openapi}`);
} catch (error) {
  check(false, `invalid OpenAPI: ${error.message}`);
}
if (api) {
  for (const [path, methods] of Object.entries(routes)) {
    for (const method of methods) check(Boolean(api.paths[path]?.[method]), `${method.toUpperCase()} ${path} is described`);
  }
  for (const path of Object.keys(api.paths)) check(path in routes, `${path} exists in the service`);
  for (const [path, item] of Object.entries(api.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === "parameters") continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        check(response.headers?.["X-Request-Id"]?.required === true, `${method.toUpperCase()} ${path} ${status} has X-Request-Id`);
        if (Number(status) < 400 || path === "/_health") continue;
        const schema = response.content?.["application/json"]?.schema;
        check(schema?.required?.includes("message"), `${method.toUpperCase()} ${path} ${status} is {"message": ...}`);
      }
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
