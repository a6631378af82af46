// Start the extension on this page: pick the site's rules, add the controls, listen for commands.
globalThis.XXAI = globalThis.XXAI || {};

(async function start() {
  if (XXAI.started) return; // injected twice (shortcut after the manifest's content script)
  XXAI.started = true;
  XXAI.bound = [];
  XXAI.pageOn = false;
  XXAI.site = XXAI.siteFor(location.hostname);
  XXAI.settings = { target: "en", replyTarget: "auto", sites: {} };
  const answer = await XXAI.send({ type: "settings" });
  if (answer.ok) XXAI.settings = answer.data;
  const enabled = XXAI.settings.sites[XXAI.site.id] !== false;
  XXAI.translator = new XXAI.Translator((status) => {
    if (status.notice) XXAI.notify(status.notice);
  });

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (!msg || sender.id !== chrome.runtime.id) return false;
    if (msg.type === "ping") sendResponse({ ok: true, site: XXAI.site.id, enabled });
    else if (!enabled) sendResponse({ ok: false, disabled: true });
    else if (msg.type === "translate-selection") sendResponse({ ok: XXAI.translateSelection(msg.text) });
    else if (msg.type === "toggle-page") {
      XXAI.togglePage();
      sendResponse({ ok: true, on: XXAI.pageOn });
    }
    return false;
  });
  chrome.storage.onChanged.addListener((changes) => {
    if (changes.settings && changes.settings.newValue) {
      const s = changes.settings.newValue;
      XXAI.settings = { ...XXAI.settings, target: s.target, replyTarget: s.replyTarget, sites: s.sites };
    }
  });
  if (!enabled) return;

  XXAI.watchSelection();
  XXAI.watchInputs();
  XXAI.observe();
  if (XXAI.site.controls) {
    XXAI.scan(document.body);
    XXAI.addPageButton();
    XXAI.startImages();
  }
})();

let toastTimer = null;

/** Show a short notice at the bottom of the page (rate limits, a server that is starting). */
XXAI.notify = function notify(message) {
  let toast = document.getElementById("xxai-toast");
  if (!toast) {
    toast = XXAI.el("div", "xxai-toast");
    toast.id = "xxai-toast";
    toast.setAttribute("role", "status");
    document.documentElement.append(toast);
  }
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 6000);
};
