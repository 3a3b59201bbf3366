// Proves that the contract test can fail: takes real exchanges recorded by the end-to-end tests,
// checks that each passes alone, alters a copy in one way (an undescribed status, a missing
// required field, a wrong type, a missing Location, a wrong Content-Type, ...) and checks that
// validate_responses.mjs refuses the copy. An alteration that needs what an older binary lacks (a
// header, a route) is skipped when the recordings show the binary lacks it.
//   node tamper_test.mjs RECORDED_DIR    (exit 1 when a tampered copy passes)
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateDir } from "./validate_responses.mjs";

const dir = process.argv[2];
const names = readdirSync(dir).filter((f) => f.endsWith(".request")).map((f) => f.slice(0, -8)).sort();
const read = (name) => ({
  request: readFileSync(join(dir, `${name}.request`), "utf8"),
  headers: readFileSync(join(dir, `${name}.headers`), "latin1"),
  body: readFileSync(join(dir, `${name}.body`), "utf8"),
});
// The first exchange whose request line matches `line` and whose status is `status`.
const find = (line, status) => names.find((n) => {
  const e = read(n);
  return line.test(e.request.split("\n")[0]) && new RegExp(`^HTTP/\\S+ ${status} `, "m").test(e.headers);
});
const json = (edit) => (e) => { const v = JSON.parse(e.body); edit(v); e.body = JSON.stringify(v); };
const header = (from, to) => (e) => { e.headers = e.headers.replace(from, to); };

const tamperings = [
  ["an undescribed status", /^GET \/workflows\/[^/]+$/, 200, header(/^(HTTP\/\S+) 200 OK/m, "$1 202 Accepted")],
  ["an undescribed error status", /^GET \/jobs\/[^/]+$/, 404, header(/^(HTTP\/\S+) 404 Not Found/m, "$1 409 Conflict")],
  ["a missing required field", /^GET \/jobs\/[0-9a-f-]+$/, 200, json((v) => delete v.tasks[0].jobDefinition)],
  ["a missing required key that would be null", /^GET \/jobs\/[0-9a-f-]+$/, 200, json((v) => delete v.stoppedAt)],
  ["a wrong type", /^POST \/workflows$/, 201, json((v) => { v.revision = String(v.revision); })],
  ["null where no null is allowed", /^GET \/jobs\/[0-9a-f-]+$/, 200, json((v) => { v.status = null; })],
  ["a value outside the enum", /^GET \/jobs\?/, 200, json((v) => { v[0].tasks[0].status = "DONE"; })],
  ["an undescribed field", /^GET \/workflows\/[^/]+$/, 200, json((v) => { v.owner = "me"; })],
  ["a missing Location", /^POST \/workflows$/, 201, header(/^Location:.*\r?\n/im, "")],
  ["a Location that is not the job's", /^POST \/jobs$/, 200, header(/^Location: \/jobs\/.*$/im, "Location: /jobs/other\r")],
  ["a wrong Content-Type", /^GET \/jobs\/[0-9a-f-]+$/, 200, header(/^Content-Type:.*$/im, "Content-Type: text/html\r")],
  ["a body that is not JSON", /^GET \/_health$/, 200, (e) => { e.body = "OK"; }],
  ["an error that is not {message}", /^GET \/jobs\/[^/]+$/, 404, json((v) => { v.error = v.message; delete v.message; })],
  ["an undescribed path answered 200", /^GET \/workflows$/, 200, (e) => { e.request = e.request.replace(/^GET \/workflows/, "GET /flows"); }],
  ["a 405 whose Allow differs from the spec", /^PATCH \/workflows$/, 405, header(/^Allow:.*$/im, "Allow: GET\r")],
  ["an undescribed query parameter", /^GET \/jobs\?workflowName=/, 200, (e) => { e.request = e.request.replace(/^(GET \S+)/, "$1&owner=me"); }],
  ["a Server-Sent Event whose job is malformed", /^GET \/events\?job=/, 200, (e) => { e.body = e.body.replace(/"status":"\w+"/, '"status":5'); }],
  ["an undescribed Server-Sent Event", /^GET \/events\?job=/, 200, (e) => { e.body = `event: gossip\ndata: {}\n\n${e.body}`; }],
  ["a 401 without WWW-Authenticate", /^GET \/workflows$/, 401, header(/^WWW-Authenticate:.*\r?\n/im, "")],
  ["a metrics line that is not Prometheus's", /^GET \/metrics$/, 200, (e) => { e.body += "not a sample\n"; }, "/metrics"],
  ["a job definition without its name", /^GET \/job-definitions$/, 200, json((v) => delete v.jobDefinitions[0].jobDefinitionName), "/job-definitions"],
  ["a missing X-Request-Id", /^GET \/_health$/, 200, header(/^X-Request-Id:.*\r?\n/im, ""), "x-request-id"],
  ["an X-Request-Id that does not echo the client's", /^POST \/jobs$/, 200, (e) => {
    e.request = `${e.request.replace(/^X-Request-Id:.*\n/im, "")}X-Request-Id: mine-1\n`;
  }, "x-request-id"],
];

let passed = 0, failed = 0;
const all = await validateDir(dir);
for (const [what, line, status, tamper, needs] of tamperings) {
  if (needs && !needs.startsWith("/") && !all.sentHeaders.has(needs)) { console.log(`skip: ${what} (this binary sends no ${needs})`); continue; }
  const name = find(line, status);
  if (!name && needs?.startsWith("/")) { console.log(`skip: ${what} (this binary does not serve ${needs})`); continue; }
  if (!name) { failed++; console.log(`FAIL: ${what}: no recorded ${line} ${status} to alter`); continue; }
  const copy = mkdtempSync(join(tmpdir(), "wfm-tamper-"));
  try {  // a tampering that throws is a failure of this test, reported by the catch below
    for (const ext of ["request", "headers", "body"]) cpSync(join(dir, `${name}.${ext}`), join(copy, `x.${ext}`));
    // A header checked only when the binary sends it: an unaltered answer that has it goes along.
    const witness = needs && !needs.startsWith("/") && find(/^GET \/_health$/, 200);
    if (witness) for (const ext of ["request", "headers", "body"]) cpSync(join(dir, `${witness}.${ext}`), join(copy, `y.${ext}`));
    const original = await validateDir(copy);
    const exchange = read(name);
    tamper(exchange);
    writeFileSync(join(copy, "x.request"), exchange.request);
    writeFileSync(join(copy, "x.headers"), exchange.headers, "latin1");
    writeFileSync(join(copy, "x.body"), exchange.body);
    const tampered = await validateDir(copy);
    const ok = original.failures.length === 0 && tampered.failures.length > 0;
    ok ? passed++ : failed++;
    console.log(`${ok ? "ok" : "FAIL"}: ${what} is refused: ${tampered.failures[0] ?? "(accepted!)"}` +
      (original.failures.length ? ` (but the original failed too: ${original.failures[0]})` : ""));
  } catch (error) {
    failed++;
    console.log(`FAIL: ${what}: ${error.message}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
console.log(`tamper: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
