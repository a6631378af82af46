// DOM helpers. Text from the page and the server only ever goes in through textContent.
globalThis.XXAI = globalThis.XXAI || {};

XXAI.UI_ATTR = "data-xxai-ui";

/** Create an element of ours with a class and, optionally, its text. */
XXAI.el = function el(tag, className, text) {
  const node = document.createElement(tag);
  node.setAttribute(XXAI.UI_ATTR, "");
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
};

/** Return true when a node belongs to the extension's own interface. */
XXAI.isOwn = function isOwn(node) {
  const element = node && node.nodeType === Node.ELEMENT_NODE ? node : node && node.parentElement;
  return Boolean(element && element.closest(`[${XXAI.UI_ATTR}]`));
};

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;
const LETTER = /\p{L}/gu;

/** Return the share of letters that are Chinese characters (0 when there are no letters). */
XXAI.hanShare = function hanShare(text) {
  const letters = (text.match(LETTER) || []).length;
  return letters ? (text.match(HAN) || []).length / letters : 0;
};

/** Return true when text is probably already in the target language (no request needed). */
XXAI.looksLikeTarget = function looksLikeTarget(text, target) {
  const share = XXAI.hanShare(text);
  if (!(text.match(LETTER) || []).length) return true; // emoji, numbers: nothing to translate
  if (target === "zh" || target === "zh-Hant") return share > 0.6;
  return share === 0 && (target === "en" || target === "de") && XXAI.mostlyLatin(text);
};

XXAI.mostlyLatin = function mostlyLatin(text) {
  const letters = text.match(LETTER) || [];
  return letters.filter((c) => /[A-Za-z\u00c0-\u024f]/.test(c)).length > 0.9 * letters.length;
};

/** Map code point offsets (the server's) to UTF-16 offsets (JavaScript's). */
XXAI.utf16Offsets = function utf16Offsets(text) {
  const map = [0];
  let i = 0;
  for (const ch of text) {
    i += ch.length;
    map.push(i);
  }
  return map;
};

/** Return the page text nodes under an element, skipping the extension's own nodes. */
XXAI.textNodes = function textNodes(root, own = false) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (!own && XXAI.isOwn(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const out = [];
  while (walker.nextNode()) out.push(walker.currentNode);
  return out;
};

/** Return an element's text as the user reads it, without the extension's additions. */
XXAI.textOf = function textOf(root) {
  return XXAI.textNodes(root).map((n) => n.nodeValue).join("");
};

/** Wrap [start, end) of root's text (UTF-16 offsets) in a new span; null if it spans nodes. */
XXAI.wrapRange = function wrapRange(root, start, end, className, own = false) {
  let pos = 0;
  for (const node of XXAI.textNodes(root, own)) {
    const len = node.nodeValue.length;
    if (start >= pos && end <= pos + len) {
      const range = document.createRange();
      range.setStart(node, start - pos);
      range.setEnd(node, end - pos);
      const span = XXAI.el("span", className);
      if (!own) span.removeAttribute(XXAI.UI_ATTR); // the page's own text stays the page's text
      span.dataset.xxaiTerm = "";
      range.surroundContents(span);
      return span;
    }
    pos += len;
  }
  return null;
};

/** Find where each term sits in text; return [{term, start, end}] in UTF-16 offsets. */
XXAI.locateTerms = function locateTerms(text, terms) {
  const map = XXAI.utf16Offsets(text);
  const found = [];
  for (const t of terms || []) {
    let start = map[t.start];
    let end = map[t.end];
    if (start === undefined || end === undefined || text.slice(start, end) !== t.term) {
      // Offsets that do not fit (the page changed under us): look the term up instead.
      start = text.indexOf(t.term);
      end = start + t.term.length;
    }
    if (start >= 0 && !found.some((f) => start < f.end && end > f.start)) found.push({ term: t, start, end });
  }
  return found.sort((a, b) => b.start - a.start); // last first: earlier offsets stay valid
};

/** Find each term's rendering in a translation (case-insensitive); same shape as locateTerms. */
XXAI.locateRenderings = function locateRenderings(translation, terms) {
  const lower = translation.toLowerCase();
  const found = [];
  for (const t of terms || []) {
    const r = String(t.rendering || "").trim();
    if (!r) continue;
    const start = lower.indexOf(r.toLowerCase());
    const end = start + r.length;
    if (start >= 0 && !found.some((f) => start < f.end && end > f.start)) found.push({ term: t, start, end });
  }
  return found.sort((a, b) => b.start - a.start);
};
