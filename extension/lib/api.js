// The one place that talks to the xxai server: every request goes to the configured server URL.

import { originPattern } from "./settings.js";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Return the command that starts a server at this URL. */
export function startCommand(serverUrl) {
  const url = new URL(serverUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const parts = ["xxai serve"];
  if (!LOCAL_HOSTS.has(url.hostname)) parts.push("--host 0.0.0.0");
  if (port !== "5000") parts.push(`--port ${port}`);
  return parts.join(" ");
}

function failure(kind, message, extra = {}) {
  return { ok: false, error: { kind, message, ...extra } };
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") return body.error;
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    // Not JSON: the status line is all we can say.
  }
  return `HTTP ${response.status}`;
}

/** Turn an HTTP error response into a plain message a user can act on. */
export async function describeResponse(settings, response) {
  const said = await errorText(response);
  const status = response.status;
  if (status === 401 || status === 403) {
    return failure(
      "key",
      `The server refused the API key (${said}). Put one of the server's api_keys ` +
        "(setting XXAI_API_KEYS) into the xxai options.",
      { status },
    );
  }
  if (status === 429) {
    const retryAfter = Number(response.headers.get("Retry-After")) || 5;
    return failure(
      "rate",
      `The server's rate limit was reached; retrying in ${retryAfter} s ` +
        "(server setting rate_limit).",
      { status, retryAfter },
    );
  }
  if (status === 413) return failure("too-large", `Too much text for one request: ${said}`, { status });
  if (status === 503) {
    return failure("starting", `The xxai server is not ready yet: ${said}`, { status, retryAfter: 5 });
  }
  if (status >= 500) return failure("server", `The xxai server failed: ${said}`, { status });
  return failure("request", `The xxai server did not accept the request: ${said}`, { status });
}

async function hasPermission(serverUrl) {
  try {
    return await chrome.permissions.contains({ origins: [originPattern(serverUrl)] });
  } catch {
    return false;
  }
}

/** Describe a request that never got an answer (server down, blocked, timed out). */
export async function describeNetworkError(settings, exc) {
  const url = settings.serverUrl;
  if (exc && exc.name === "AbortError") {
    return failure("timeout", `The xxai server at ${url} took too long to answer; it may be busy.`);
  }
  if (!(await hasPermission(url))) {
    return failure(
      "cors",
      `The browser blocked the request to ${url} (CORS): the extension has no access to this ` +
        "server. Press Save in the xxai options and allow it, or start the server with " +
        `XXAI_CORS_ORIGINS=${location.origin} ${startCommand(url)}`,
    );
  }
  return failure(
    "down",
    `Cannot reach the xxai server at ${url}. Start it with: ${startCommand(url)}`,
  );
}

/** Send one request to the server; resolve to {ok, data} or {ok: false, error}. */
export async function callServer(settings, path, { method = "GET", body, timeoutMs = 180000 } = {}) {
  const headers = { Accept: "application/json" };
  if (settings.apiKey) headers["X-API-Key"] = settings.apiKey;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(settings.serverUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (exc) {
    return describeNetworkError(settings, exc);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) return describeResponse(settings, response);
  try {
    return { ok: true, data: await response.json() };
  } catch {
    return failure("not-xxai", `Something other than xxai answered at ${settings.serverUrl}.`);
  }
}

/** Check the server, the key and the browser's access; return {ok, message}. */
export async function testConnection(settings) {
  const health = await callServer(settings, "/health", { timeoutMs: 8000 });
  if (!health.ok) {
    const e = health.error;
    if (e.kind === "starting") return { ok: false, kind: e.kind, message: e.message + " Try again in a few seconds." };
    if (e.kind === "request" && e.status === 404) {
      return { ok: false, kind: "not-xxai", message: `Something other than xxai answers at ${settings.serverUrl} (no /health).` };
    }
    return { ok: false, kind: e.kind, message: e.message };
  }
  if (!health.data || typeof health.data.status !== "string") {
    return { ok: false, kind: "not-xxai", message: `Something other than xxai answers at ${settings.serverUrl}.` };
  }
  // A cheap request that passes the key check: a glossary lookup, no model time.
  const probe = await callServer(settings, "/api/v1/explain?term=yyds&limit=1", { timeoutMs: 8000 });
  if (!probe.ok) return { ok: false, kind: probe.error.kind, message: probe.error.message };
  const { version, engine } = health.data;
  return {
    ok: true,
    kind: "ok",
    message: `Connected: xxai ${version} at ${settings.serverUrl}, engine ${engine}.`,
  };
}
