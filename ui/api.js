// api.js: every call to the service goes through here. Adds the API token kept in localStorage
// (Settings) as `Authorization: Bearer`, turns error answers into ApiError with the service's
// {"message"} (or the Step Functions {"__type", "message"}), and announces a 401 so that the app
// can ask for a token. The service is the page's own origin; when the UI is served under a
// prefix (/something/ui/), the API is under that same prefix.

const TOKEN_KEY = 'wfm.token';

/** The path prefix of the API: what comes before /ui/ in the page's address. */
export const apiBase = (globalThis.location?.pathname ?? '').replace(/\/ui(\/.*)?$/, '');

export function getToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token); else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lasts until the page is closed */ }
}

export class ApiError extends Error {
  constructor(status, message, type, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;        // HTTP status, 0 when the service could not be reached
    this.type = type;            // Step Functions error type (__type), if any
    this.requestId = requestId;  // the service's X-Request-Id, to find the request in its log
  }
}

function authHeaders(extra) {
  const headers = {...extra};
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const qs = params.toString();
  return apiBase + path + (qs ? `?${qs}` : '');
}

async function errorFrom(response) {
  let message = '';
  let type;
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    message = body.message || body.Message || '';
    type = body.__type;
  } catch {
    message = text.trim().slice(0, 500);
  }
  if (!message) message = `HTTP ${response.status} ${response.statusText}`.trim();
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent('wfm:unauthorized', {detail: {message}}));
  }
  return new ApiError(response.status, message, type,
    response.headers.get('X-Request-Id') || response.headers.get('x-amzn-RequestId') || undefined);
}

async function send(method, path, {query, body, signal, headers} = {}) {
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: authHeaders(body !== undefined ? {'Content-Type': 'application/json', ...headers}
        : headers),
      body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body))
        : undefined,
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, `the service could not be reached (${error.message})`);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** GET (or another method) answering JSON: {data, headers}. */
export async function requestJSON(method, path, options) {
  const response = await send(method, path, options);
  const text = await response.text();
  return {data: text ? JSON.parse(text) : null, headers: response.headers};
}

export async function getJSON(path, options) {
  return (await requestJSON('GET', path, options)).data;
}

export async function getText(path, options) {
  return (await send('GET', path, options)).text();
}

export async function postJSON(path, body, options) {
  return (await requestJSON('POST', path, {...options, body})).data;
}

export async function deleteJSON(path, body, options) {
  return (await requestJSON('DELETE', path, {...options, body})).data;
}

/** A raw response for streams (Server-Sent Events); errors are thrown as ApiError. */
export async function openStream(path, {query, signal, headers} = {}) {
  return send('GET', path, {query, signal, headers: {Accept: 'text/event-stream', ...headers}});
}

/** One Step Functions operation (JSON 1.0 protocol, POST / with X-Amz-Target). */
export async function sfn(operation, body, {signal} = {}) {
  const response = await send('POST', '/', {
    body: JSON.stringify(body || {}),
    signal,
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AWSStepFunctions.${operation}`,
    },
  });
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}

/** Every page of a Step Functions listing: collects `key` across nextToken pages (at most `max`). */
export async function sfnAll(operation, body, key, {signal, max = 10000} = {}) {
  const items = [];
  let nextToken;
  do {
    const page = await sfn(operation, {...body, ...(nextToken ? {nextToken} : {})}, {signal});
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < max);
  return items;
}
