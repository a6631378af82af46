// The service worker: the only part that talks to the server, plus the context menu and shortcuts.

import { callServer, testConnection } from "./lib/api.js";
import { loadSettings, normalizeServerUrl } from "./lib/settings.js";

const MENU_SELECTION = "xxai-translate-selection";
const MENU_PAGE = "xxai-translate-page";

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_SELECTION, title: "Translate with xxai", contexts: ["selection"] });
    chrome.contextMenus.create({ id: MENU_PAGE, title: "Translate this page with xxai", contexts: ["page"] });
  });
});

function publicSettings(s) {
  return { target: s.target, replyTarget: s.replyTarget, sites: s.sites, showPinyin: s.showPinyin };
}

const handlers = {
  async settings() {
    return { ok: true, data: publicSettings(await loadSettings()) };
  },
  async translate(msg, s) {
    const texts = msg.texts.map(String);
    const body = { text: texts, target: msg.target || s.target, source: "auto" };
    if (Array.isArray(msg.contexts) && msg.contexts.length === texts.length) {
      body.context = msg.contexts.map(String);
    }
    return callServer(s, "/api/v1/translate", { method: "POST", body });
  },
  async explain(msg, s) {
    const q = new URLSearchParams({ term: String(msg.term), limit: "1" });
    return callServer(s, `/api/v1/explain?${q}`, { timeoutMs: 20000 });
  },
  async gloss(msg, s) {
    return callServer(s, "/api/v1/gloss", { method: "POST", body: { text: String(msg.text) } });
  },
  async reply(msg, s) {
    return callServer(s, "/api/v1/reply", {
      method: "POST",
      body: { text: String(msg.text), target: msg.target, tone: msg.tone || "casual", source: "auto" },
    });
  },
  async image(msg, s) {
    const fetched = await fetchImage(String(msg.url || ""));
    if (!fetched.ok) return fetched;
    return callServer(s, "/api/v1/translate/image", {
      method: "POST",
      body: { image: fetched.data, target: msg.target || s.target, source: "auto", render: true },
    });
  },
  async "image-capabilities"(msg, s) {
    // The image endpoint is optional: ask the server's OpenAPI document whether it has it.
    const spec = await callServer(s, "/openapi.json", { timeoutMs: 8000 });
    const paths = spec.ok && spec.data && spec.data.paths ? spec.data.paths : {};
    return { ok: true, data: { image: Boolean(paths["/api/v1/translate/image"]) } };
  },
  async "run-command"(msg) {
    const tab = await chrome.tabs.get(msg.tabId);
    return handleCommand(msg.command, tab);
  },
  async "test-connection"(msg) {
    const stored = await loadSettings();
    const s = { ...stored, ...(msg.settings || {}) };
    try {
      s.serverUrl = normalizeServerUrl(s.serverUrl);
    } catch (exc) {
      return { ok: false, kind: "url", message: exc.message };
    }
    return testConnection(s);
  },
};

const IMAGE_HOSTS = [/^(www\.)?xiaohongshu\.com$/, /\.xhscdn\.com$/];
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

function base64(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(out);
}

/** Fetch a note picture as base64: only https images from RedNote and its image CDN. */
async function fetchImage(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: { kind: "request", message: "This image has no address to read." } };
  }
  if (parsed.protocol !== "https:" || !IMAGE_HOSTS.some((re) => re.test(parsed.hostname))) {
    return { ok: false, error: { kind: "request", message: "xxai reads only RedNote's own note pictures." } };
  }
  try {
    const response = await fetch(parsed.href, { credentials: "omit" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > MAX_IMAGE_BYTES) throw new Error("the picture is over 15 MB");
    return { ok: true, data: base64(bytes) };
  } catch (exc) {
    return { ok: false, error: { kind: "request", message: `Could not read the picture: ${exc.message}` } };
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && handlers[msg.type];
  if (!handler) return false;
  loadSettings()
    .then((s) => handler(msg, s))
    .then(sendResponse, (exc) => sendResponse({ ok: false, error: { kind: "bug", message: String(exc && exc.message) } }));
  return true; // answer asynchronously
});

async function isRedNote(tab) {
  try {
    return new URL(tab.url).hostname.endsWith("xiaohongshu.com");
  } catch {
    return false;
  }
}

/** Make sure the content scripts run in the tab (on any page: activeTab grants it). */
async function ensureInjected(tab) {
  try {
    const pong = await chrome.tabs.sendMessage(tab.id, { type: "ping" });
    if (pong && pong.ok) return true;
  } catch {
    // No content script yet: inject it below.
  }
  const settings = await loadSettings();
  if (!(await isRedNote(tab)) && !settings.sites.generic) return false;
  const [entry] = chrome.runtime.getManifest().content_scripts;
  await chrome.scripting.insertCSS({ target: { tabId: tab.id }, files: entry.css });
  await chrome.scripting.executeScript({ target: { tabId: tab.id }, files: entry.js });
  return true;
}

/** Run a shortcut or menu action in a tab. */
async function handleCommand(command, tab, extra = {}) {
  if (!tab || tab.id === undefined) return false;
  try {
    if (!(await ensureInjected(tab))) return false;
    await chrome.tabs.sendMessage(tab.id, { type: command, ...extra });
    return true;
  } catch (exc) {
    // Pages the browser keeps to itself (chrome://, the web store) refuse scripts.
    console.warn("xxai: cannot run on this tab:", exc && exc.message);
    return false;
  }
}
globalThis.xxaiHandleCommand = handleCommand;

chrome.commands.onCommand.addListener((command, tab) => handleCommand(command, tab));

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_SELECTION) {
    handleCommand("translate-selection", tab, { text: info.selectionText || "" });
  } else if (info.menuItemId === MENU_PAGE) {
    handleCommand("toggle-page", tab);
  }
});
