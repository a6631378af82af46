// Any page: select text, then the bubble (or the menu, or the shortcut) shows the translation.
globalThis.XXAI = globalThis.XXAI || {};

const MAX_SELECTION = 5000;
let bubble = null;
let panel = null;

function selectedText() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const text = selection.toString().trim();
  if (!text || text.length > MAX_SELECTION) return null;
  const range = selection.getRangeAt(0);
  if (XXAI.isOwn(range.commonAncestorContainer)) return null;
  const active = document.activeElement;
  if (active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT" || active.isContentEditable)) return null;
  return { text, rect: range.getBoundingClientRect() };
}

function at(node, rect) {
  const width = Math.min(node.offsetWidth || 320, document.documentElement.clientWidth - 16);
  const left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
  node.style.left = left + "px";
  node.style.top = rect.bottom + window.scrollY + 8 + "px";
}

function hideBubble() {
  if (bubble) bubble.hidden = true;
}

/** Close the selection panel. */
XXAI.closePanel = function closePanel() {
  if (panel) panel.remove();
  panel = null;
};

/** Show the translation of text in a panel under rect (or at the top of the view). */
XXAI.showSelection = async function showSelection(text, rect) {
  hideBubble();
  XXAI.closePanel();
  panel = XXAI.el("div", "xxai-pop");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "xxai translation");
  const close = XXAI.el("button", "xxai-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "Close");
  close.addEventListener("click", XXAI.closePanel);
  const original = XXAI.el("div", "xxai-pop-original", text);
  const body = XXAI.el("div", "xxai-pop-body", "Translating…");
  body.setAttribute("aria-live", "polite");
  panel.append(close, original, body);
  document.documentElement.append(panel);
  at(panel, rect || { left: 16, bottom: 8 }); // no selection box: the top of the view
  const result = await XXAI.translator.translate(text, XXAI.settings.target, true);
  if (!panel || !panel.contains(body)) return;
  if (result.error) {
    body.textContent = result.error.message;
    body.classList.add("xxai-error");
    return;
  }
  body.textContent = result.translation;
  body.lang = result.target_lang;
  XXAI.underline(body, XXAI.locateRenderings(result.translation, result.terms), true);
  XXAI.underline(original, XXAI.locateTerms(text, result.terms), true);
};

/** Translate the current selection (shortcut, context menu). */
XXAI.translateSelection = function translateSelection(text) {
  const found = selectedText();
  const chosen = (text && text.trim()) || (found && found.text);
  if (!chosen) return false;
  XXAI.showSelection(chosen.slice(0, MAX_SELECTION), found ? found.rect : null);
  return true;
};

/** Offer the bubble whenever the user selects text. */
XXAI.watchSelection = function watchSelection() {
  bubble = XXAI.el("button", "xxai-bubble", "译");
  bubble.type = "button";
  bubble.title = "Translate with xxai (Alt+Shift+X)";
  bubble.setAttribute("aria-label", "Translate the selection with xxai");
  bubble.hidden = true;
  bubble.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  bubble.addEventListener("click", () => XXAI.translateSelection());
  document.documentElement.append(bubble);
  const update = () => {
    const found = selectedText();
    if (!found) return hideBubble();
    bubble.hidden = false;
    at(bubble, found.rect);
  };
  document.addEventListener("mouseup", () => setTimeout(update, 0));
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") setTimeout(update, 0);
  });
  document.addEventListener("mousedown", (event) => {
    if (panel && !XXAI.isOwn(event.target)) XXAI.closePanel();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      XXAI.closePanel();
      hideBubble();
    }
  });
};
