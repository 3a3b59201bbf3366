// check.mjs: how the UI test reports: ok(what) counts and prints a passed check, check() and
// equal() throw a CheckError with a message saying what was expected and what was seen.

export class CheckError extends Error {}

let count = 0;

export function ok(what) {
  count++;
  console.log(`ok: ${what}`);
}

export function checks() {
  return count;
}

export function check(condition, message) {
  if (!condition) throw new CheckError(message);
}

export function equal(actual, expected, what) {
  check(JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
