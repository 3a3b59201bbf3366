// The contract test: checks every HTTP exchange that tests/e2e/lib.sh's `call` recorded (with
// WFM_CONTRACT_DIR) against api/openapi.yaml. A response fails when its path and method are not
// described (an unknown path must be a 404 and an undescribed method a 405 whose Allow names the
// described ones), its status is not among the operation's responses (`default` stands for the
// server's refusals: only the 4xx and 5xx its x-statuses lists), its Content-Type is not
// described, its body does not validate against the schema (JSON by ajv; each Server-Sent Event's
// data by the schema that x-events names; Prometheus text lines), a required header is missing or
// malformed, Location differs from x-location filled from the body, or X-Request-Id does not echo
// the client's. A 2xx to a query parameter the operation does not describe fails too. Step
// Functions requests (POST / with X-Amz-Target) are skipped.
//   node validate_responses.mjs DIR [OPENAPI_YAML]    (exit 1 on any failure)
import { createRequire } from "node:module";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(new URL("../node/package.json", import.meta.url));
const SwaggerParser = require("@apidevtools/swagger-parser");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const defaultSpec = fileURLToPath(new URL("../../api/openapi.yaml", import.meta.url));
// Headers a newer binary adds: required only once this run's binary sends them at all.
const comingHeaders = ["x-request-id"];
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addVocabulary(["example", "externalDocs", "xml"]);
const errorsOf = (schema, value) => {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
};

// "text/plain; version=0.0.4" -> {essence: "text/plain", params: {version: "0.0.4"}}
function mediaType(text) {
  const [essence, ...rest] = String(text).split(";").map((s) => s.trim());
  const params = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, "");
  }
  return { essence: essence.toLowerCase(), params };
}

// One recorded exchange: the request line and headers, the last response of curl -D, the body.
function readExchange(dir, name) {
  const [line, ...requestLines] = readFileSync(join(dir, `${name}.request`), "utf8").split("\n").filter(Boolean);
  const [method, target] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
  const header = (l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()];
  const requestHeaders = Object.fromEntries(requestLines.filter((l) => l.includes(":")).map(header));
  const blocks = readFileSync(join(dir, `${name}.headers`), "latin1").split(/\r?\n\r?\n/).filter((b) => b.startsWith("HTTP/"));
  if (blocks.length === 0) return { name, method, target, requestHeaders, status: null };
  const [statusLine, ...lines] = blocks.at(-1).split(/\r?\n/);
  const headers = {};
  for (const [key, value] of lines.filter((l) => l.includes(":")).map(header)) {
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const body = readFileSync(join(dir, `${name}.body`));
  return { name, method, target, requestHeaders, status: Number(statusLine.split(" ")[1]), headers, body };
}

// The described path that matches (literal segments win over templated ones), and its template.
function findPath(api, path) {
  let best = null;
  for (const template of Object.keys(api.paths)) {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "([^/]+)");
    if (!new RegExp(`^${pattern}$`).test(path)) continue;
    const params = (template.match(/\{/g) || []).length;
    if (!best || params < best.params) best = { template, params };
  }
  return best?.template;
}

function checkBody(type, media, exchange, fail) {
  const text = exchange.body.toString("utf8");
  if (type.essence === "application/json" || type.essence.endsWith("+json")) {
    let value;
    try { value = JSON.parse(text); } catch { return fail(`the body is not JSON: ${text.slice(0, 80)}`); }
    for (const e of errorsOf(media.schema ?? {}, value)) fail(`body ${e}`);
    return value;
  }
  if (type.essence === "text/event-stream") {
    const events = text.replace(/\r\n/g, "\n").split("\n\n").filter((b) => b.trim());
    for (const block of events) {
      const lines = block.split("\n").filter((l) => !l.startsWith(":"));
      if (lines.length === 0) continue;  // a comment (keep-alive)
      const name = lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message";
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
      const schema = media["x-events"]?.[name];
      if (!schema) { fail(`event '${name}' is not described`); continue; }
      let value;
      try { value = JSON.parse(data); } catch { fail(`event '${name}': data is not JSON`); continue; }
      for (const e of errorsOf(schema, value)) fail(`event '${name}' data ${e}`);
    }
  } else if (type.essence === "text/plain" && type.params.version === "0.0.4") {
    const label = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"`;  // name="escaped value"
    const sample = new RegExp(String.raw`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{(${label}(,${label})*,?)?\})? ` +
      String.raw`([-+]?[0-9.]+([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)( -?[0-9]+)?$`);
    for (const l of text.split("\n")) if (l && !l.startsWith("#") && !sample.test(l)) fail(`not a Prometheus sample line: ${l}`);
  }
  return undefined;
}

function checkExchange(api, exchange, sentHeaders, fail) {
  const { method, target, status, headers } = exchange;
  const path = target.split("?")[0];
  const template = findPath(api, path);
  const errorBody = () => checkBody({ essence: "application/json", params: {} },
    { schema: api.components.schemas.Error }, exchange, fail);
  if (!template) {
    if (status !== 404) fail(`the path is not described (answered ${status})`);
    return errorBody();
  }
  const item = api.paths[template];
  const operation = item[method.toLowerCase()];
  if (!operation) {
    const allowed = methods.filter((m) => item[m]).map((m) => m.toUpperCase()).sort().join(", ");
    if (status !== 405) return fail(`${method} is not described for ${template} (answered ${status})`);
    const sent = (headers.allow ?? "").split(",").map((m) => m.trim()).filter(Boolean).sort().join(", ");
    if (sent !== allowed) fail(`405 Allow is '${headers.allow}', the spec describes '${allowed}'`);
    return errorBody();
  }
  const fallback = operation.responses.default;
  const response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ??
    (status >= 400 && (fallback?.["x-statuses"] ?? [status]).includes(status) ? fallback : undefined);
  if (!response) return fail(`status ${status} is not described for ${method} ${template}`);
  if (status >= 200 && status < 300) {
    const params = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((p) => p.in === "query");
    const query = new URLSearchParams(target.includes("?") ? target.slice(target.indexOf("?") + 1) : "");
    for (const [key, value] of query) {
      const param = params.find((p) => p.name === key);
      if (!param) { fail(`query parameter '${key}' is not described`); continue; }
      const coerced = param.schema?.type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
      for (const e of errorsOf(param.schema ?? {}, coerced)) fail(`query parameter '${key}'=${value}: ${e}`);
    }
    for (const p of params) if (p.required && !query.has(p.name)) fail(`required query parameter '${p.name}' missing`);
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const key = name.toLowerCase();
    const value = headers[key];
    if (value === undefined) {
      if (header.required && (!comingHeaders.includes(key) || sentHeaders.has(key))) fail(`required header ${name} missing`);
      continue;
    }
    const coerced = header.schema?.type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
    for (const e of errorsOf(header.schema ?? {}, coerced)) fail(`header ${name}: '${value}' ${e}`);
  }
  let body;
  if (response.content) {
    const type = mediaType(headers["content-type"] ?? "");
    const matches = Object.keys(response.content).filter((k) => {
      const want = mediaType(k);
      return want.essence === type.essence && Object.entries(want.params).every(([p, v]) => type.params[p] === v);
    });
    if (matches.length === 0) {
      fail(`Content-Type '${headers["content-type"]}' is not described (${Object.keys(response.content).join(", ")})`);
    } else {
      body = checkBody(type, response.content[matches[0]], exchange, fail);
    }
  } else if (exchange.body.length > 0) {
    fail("a body where the spec describes none");
  }
  if (response["x-location"] && body && typeof body === "object") {
    const want = response["x-location"].replace(/\{(\w+)\}/g, (_, f) => encodeURIComponent(body[f]));
    if (headers.location !== undefined && headers.location !== want) fail(`Location '${headers.location}', expected '${want}'`);
  }
  const asked = exchange.requestHeaders["x-request-id"];
  if (asked && /^[A-Za-z0-9._-]{1,128}$/.test(asked) && sentHeaders.has("x-request-id") && headers["x-request-id"] !== asked) {
    fail(`X-Request-Id '${headers["x-request-id"]}' does not echo the client's '${asked}'`);
  }
  return body;
}

// Checks every exchange in `dir`; returns {passed, failures: [text], skipped, exercised: Set}.
export async function validateDir(dir, specPath = defaultSpec) {
  const api = await SwaggerParser.dereference(specPath);
  const names = readdirSync(dir).filter((f) => f.endsWith(".request")).map((f) => f.slice(0, -8)).sort();
  const exchanges = names.map((name) => readExchange(dir, name));
  const sentHeaders = new Set(comingHeaders.filter((h) => exchanges.some((e) => e.headers?.[h] !== undefined)));
  const result = { passed: 0, failures: [], skipped: 0, exercised: new Set(), sentHeaders };
  for (const exchange of exchanges) {
    const { method, target } = exchange;
    if ((target === "/" || target.startsWith("/?")) && exchange.requestHeaders["x-amz-target"]) { result.skipped++; continue; }
    if (exchange.status === null) { result.skipped++; continue; }  // no answer (connection refused)
    const before = result.failures.length;
    const fail = (why) => result.failures.push(`${exchange.name}: ${method} ${target} -> ${exchange.status}: ${why}`);
    checkExchange(api, exchange, sentHeaders, fail);
    if (result.failures.length === before) result.passed++;
    const template = findPath(api, target.split("?")[0]);
    if (template) result.exercised.add(`${method} ${template} ${exchange.status}`);
  }
  return result;
}

// Run as a program (not imported by tamper_test.mjs); realpath: the script may be reached by a link.
if (realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const [dir, spec] = process.argv.slice(2);
  if (!dir) { console.error("usage: validate_responses.mjs DIR [OPENAPI_YAML]"); process.exit(2); }
  const result = await validateDir(dir, spec ?? defaultSpec);
  for (const failure of result.failures) console.log(`FAIL: ${failure}`);
  console.log(`described answers seen: ${[...result.exercised].sort().join("; ")}`);
  for (const h of comingHeaders) if (!result.sentHeaders.has(h)) console.log(`note: this binary sends no ${h}; not checked`);
  console.log(`contract: ${result.passed} passed, ${result.failures.length} failed, ${result.skipped} skipped`);
  process.exit(result.failures.length === 0 && result.passed > 0 ? 0 : 1);
}
