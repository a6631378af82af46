// The options page: server URL, API key, languages, per-site switches, and "Test connection".

import { loadSettings, normalizeServerUrl, originPattern, saveSettings, TARGETS } from "../lib/settings.js";

const $ = (id) => document.getElementById(id);
const status = $("status");

function say(message, ok) {
  status.textContent = message;
  status.className = ok ? "ok" : "bad";
}

function fromForm() {
  return {
    serverUrl: $("serverUrl").value,
    apiKey: $("apiKey").value,
    target: $("target").value,
    replyTarget: $("replyTarget").value,
    sites: { rednote: $("site-rednote").checked, generic: $("site-generic").checked },
  };
}

/** Ask for access to a server that the manifest does not already cover (a LAN address). */
async function allowServer(serverUrl) {
  // request() answers true at once, without a prompt, for an origin already granted.
  return chrome.permissions.request({ origins: [originPattern(serverUrl)] });
}

async function init() {
  for (const [code, name] of TARGETS) {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = name;
    $("target").append(option);
  }
  const s = await loadSettings();
  $("serverUrl").value = s.serverUrl;
  $("apiKey").value = s.apiKey;
  $("target").value = s.target;
  $("replyTarget").value = s.replyTarget;
  $("site-rednote").checked = s.sites.rednote;
  $("site-generic").checked = s.sites.generic;
}

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = fromForm();
  try {
    values.serverUrl = normalizeServerUrl(values.serverUrl);
  } catch (exc) {
    say(exc.message, false);
    return;
  }
  // The permission prompt needs the click's user gesture: ask before anything else awaits.
  const allowed = await allowServer(values.serverUrl).catch(() => false);
  await saveSettings(values);
  $("serverUrl").value = values.serverUrl;
  say(allowed ? "Saved." : `Saved, but the browser was not allowed to reach ${values.serverUrl}.`, allowed);
});

$("test").addEventListener("click", async () => {
  say("Testing…", true);
  const result = await chrome.runtime.sendMessage({ type: "test-connection", settings: fromForm() });
  say(result.message, result.ok);
});

init();
