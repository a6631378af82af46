// Settings: one object in chrome.storage.local (the API key stays on this device, never synced).

export const DEFAULTS = Object.freeze({
  serverUrl: "http://127.0.0.1:5000",
  apiKey: "",
  target: "en",
  replyTarget: "auto",
  sites: { rednote: true, generic: true },
  showPinyin: false,
});

export const TARGETS = [
  ["en", "English"],
  ["zh", "中文 (简体)"],
  ["zh-Hant", "中文 (繁體)"],
  ["de", "Deutsch"],
  ["fr", "Français"],
  ["es", "Español"],
  ["ja", "日本語"],
  ["ko", "한국어"],
];

/** Return the stored settings merged over the defaults. */
export async function loadSettings() {
  const stored = await chrome.storage.local.get("settings");
  const s = stored.settings || {};
  return { ...DEFAULTS, ...s, sites: { ...DEFAULTS.sites, ...(s.sites || {}) } };
}

/** Store settings after checking the server URL; return what was stored. */
export async function saveSettings(settings) {
  const clean = { ...DEFAULTS, ...settings };
  clean.serverUrl = normalizeServerUrl(clean.serverUrl);
  clean.apiKey = String(clean.apiKey || "").trim();
  await chrome.storage.local.set({ settings: clean });
  return clean;
}

/** Return the URL without a trailing slash; throw a plain message when it is not http(s). */
export function normalizeServerUrl(raw) {
  let url;
  try {
    url = new URL(String(raw || "").trim());
  } catch {
    throw new Error(`"${raw}" is not a URL: write it like http://127.0.0.1:5000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("The server URL must start with http:// or https://");
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** Return the match pattern that grants access to the server's origin. */
export function originPattern(serverUrl) {
  return new URL(serverUrl).origin + "/*";
}
