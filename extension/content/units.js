// Translate controls on each unit (title, body, comment, reply, card), and the page toggle.
globalThis.XXAI = globalThis.XXAI || {};

const states = new WeakMap(); // unit element -> {control, block, shown, result}
const LANG_NAMES = { en: "English", zh: "Chinese", "zh-Hant": "Chinese", de: "German" };

function controlFor(unit, kind) {
  const button = XXAI.el("button", "xxai-btn", "译");
  button.type = "button";
  button.title = "Translate with xxai";
  button.setAttribute("aria-label", `Translate this ${kind} with xxai`);
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", (event) => {
    event.preventDefault();
    event.stopPropagation(); // RedNote opens the note on any click inside a card
    XXAI.toggleUnit(unit, undefined, true);
  });
  return button;
}

/** Give a unit its Translate control (once). */
XXAI.bindUnit = function bindUnit(unit, kind) {
  if (states.has(unit) || XXAI.isOwn(unit)) return false;
  const text = XXAI.textOf(unit).trim();
  if (!text || !/\p{L}/u.test(text)) return false;
  unit.dataset.xxaiUnit = kind;
  const control = controlFor(unit, kind);
  unit.append(control); // at the end of the text, in its line; our nodes are left out of the text
  states.set(unit, { unit, kind, control, block: null, shown: false, result: null, pending: false });
  XXAI.bound.push(unit);
  return true;
};

/** Find the site's units under root and bind the new ones; return them. */
XXAI.scan = function scan(root) {
  const fresh = [];
  for (const rule of XXAI.site.units) {
    const found = root.matches && root.matches(rule.selector) ? [root] : [];
    found.push(...root.querySelectorAll(rule.selector));
    for (const unit of found) {
      // Generic rules overlap (an li holding a p): translate the innermost only.
      if (unit.querySelector("[data-xxai-unit]") || unit.parentElement?.closest("[data-xxai-unit]")) continue;
      if (XXAI.bindUnit(unit, rule.kind)) fresh.push(unit);
    }
  }
  return fresh;
};

function blockFor(state, unit) {
  if (!state.block) {
    state.block = XXAI.el("div", `xxai-tr xxai-tr-${state.kind}`);
    state.block.setAttribute("aria-live", "polite");
    state.unit.after(state.block);
  }
  return state.block;
}

function showState(unit, state, shown) {
  state.shown = shown;
  if (state.block) state.block.hidden = !shown;
  unit.classList.toggle("xxai-shown", shown);
  state.control.setAttribute("aria-pressed", String(shown));
  state.control.classList.toggle("xxai-on", shown);
}

/** Return what a unit replies to (the site's context rule for its kind), or "". */
XXAI.contextOf = function contextOf(unit, kind) {
  const rule = ((XXAI.site && XXAI.site.context) || {})[kind];
  if (!rule) return "";
  const scope = rule.within ? unit.closest(rule.within) : document;
  if (!scope) return "";
  for (const selector of rule.selectors) {
    const found = scope.querySelector(selector);
    const text = found && found !== unit ? XXAI.textOf(found).trim() : "";
    if (text) return text;
  }
  return "";
};

/** First click translates, the next hides, the next shows again (no new request). */
XXAI.toggleUnit = function toggleUnit(unit, wanted, urgent = false) {
  const state = states.get(unit);
  if (!state) return;
  const show = wanted === undefined ? !state.shown : wanted;
  if (!show) return showState(unit, state, false);
  showState(unit, state, true);
  if (state.result || state.pending) return;
  XXAI.translateUnit(unit, state, urgent);
};

/** Request a unit's translation and render it under the unit. */
XXAI.translateUnit = async function translateUnit(unit, state, urgent = false) {
  const block = blockFor(state, unit);
  state.pending = true;
  block.classList.add("xxai-loading");
  block.replaceChildren(XXAI.el("span", "xxai-progress", "Translating…"));
  const text = XXAI.textOf(unit);
  const context = XXAI.contextOf(unit, state.kind);
  const result = await XXAI.translator.translate(text, XXAI.settings.target, urgent, context);
  state.pending = false;
  block.classList.remove("xxai-loading");
  XXAI.updatePageButton();
  if (result.error) {
    block.replaceChildren(XXAI.el("span", "xxai-error", result.error.message));
    block.classList.add("xxai-failed");
    state.result = null; // a later click tries again
    return;
  }
  block.classList.remove("xxai-failed");
  state.result = result;
  XXAI.renderResult(unit, state, result);
};

/** Fill a unit's block: translation with renderings underlined, pinyin toggle, terms in the original. */
XXAI.renderResult = function renderResult(unit, state, result) {
  const block = blockFor(state, unit);
  block.replaceChildren();
  if (result.unchanged || result.source_lang === result.target_lang) {
    const name = LANG_NAMES[result.target_lang] || result.target_lang;
    block.append(XXAI.el("span", "xxai-note", `Already in ${name}.`));
    return;
  }
  const text = XXAI.el("div", "xxai-tr-text", result.translation);
  text.lang = result.target_lang;
  block.append(text);
  XXAI.underline(text, XXAI.locateRenderings(result.translation, result.terms), true);
  if (result.source_lang === "zh" || result.source_lang === "zh-Hant") block.append(XXAI.pinyinToggle(unit, block));
  if (!unit.dataset.xxaiTerms) {
    unit.dataset.xxaiTerms = "";
    XXAI.underline(unit, XXAI.locateTerms(XXAI.textOf(unit), result.terms));
  }
};

/** A button that shows the unit's Chinese text with pinyin over each word (and hides it). */
XXAI.pinyinToggle = function pinyinToggle(unit, block) {
  const button = XXAI.el("button", "xxai-pinyin-btn", "Pinyin");
  button.type = "button";
  button.setAttribute("aria-pressed", "false");
  let line = null;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    event.stopPropagation();
    if (line) {
      line.hidden = !line.hidden;
      button.setAttribute("aria-pressed", String(!line.hidden));
      return;
    }
    line = XXAI.el("div", "xxai-pinyin", "…");
    line.lang = "zh";
    block.prepend(line);
    button.setAttribute("aria-pressed", "true");
    const answer = await XXAI.send({ type: "gloss", text: XXAI.textOf(unit) });
    if (!answer.ok) {
      line.textContent = answer.error.message;
      line.classList.add("xxai-error");
      return;
    }
    line.replaceChildren();
    for (const word of answer.data.words) {
      if (word.pinyin) {
        const ruby = XXAI.el("ruby", null, word.word);
        ruby.append(XXAI.el("rt", null, word.pinyin));
        line.append(ruby);
      } else {
        line.append(document.createTextNode(word.word));
      }
    }
  });
  return button;
};

// -- The page toggle: translate what is there and what arrives later; click again to hide.

function wanted(unit) {
  return !XXAI.looksLikeTarget(XXAI.textOf(unit), XXAI.settings.target);
}

/** Translate every bound unit that is not in the target language yet. */
XXAI.translateAll = function translateAll(units) {
  const list = units.filter((u) => wanted(u));
  // Visible units first: the reader sees their translations before the rest arrive.
  const height = window.innerHeight;
  const visible = (u) => {
    const r = u.getBoundingClientRect();
    return r.bottom > 0 && r.top < height;
  };
  list.sort((a, b) => Number(visible(b)) - Number(visible(a)));
  list.forEach((u) => XXAI.toggleUnit(u, true));
  XXAI.updatePageButton();
};

/** Turn page translation on or off. */
XXAI.togglePage = function togglePage(on) {
  XXAI.pageOn = on === undefined ? !XXAI.pageOn : on;
  if (XXAI.pageOn) {
    XXAI.scan(document.body);
    XXAI.translateAll(XXAI.bound);
  } else {
    for (const unit of XXAI.bound) {
      const state = states.get(unit);
      if (state) showState(unit, state, false);
    }
  }
  XXAI.updatePageButton();
};

/** Return how many units are shown, pending and failed (for the toggle and the tests). */
XXAI.progress = function progress() {
  let shown = 0;
  let pending = 0;
  let failed = 0;
  for (const unit of XXAI.bound) {
    const s = states.get(unit);
    if (!s || !s.shown) continue;
    if (s.pending) pending += 1;
    else if (s.result) shown += 1;
    else failed += 1;
  }
  return { shown, pending, failed, units: XXAI.bound.length };
};

XXAI.updatePageButton = function updatePageButton() {
  const button = XXAI.pageButton;
  if (!button) return;
  const p = XXAI.progress();
  button.setAttribute("aria-pressed", String(Boolean(XXAI.pageOn)));
  if (!XXAI.pageOn) button.textContent = "译 Translate page";
  else if (p.pending) button.textContent = `译 Translating… ${p.shown}/${p.shown + p.pending}`;
  else button.textContent = "译 Hide translations";
};

/** Add the floating page toggle. */
XXAI.addPageButton = function addPageButton() {
  const button = XXAI.el("button", "xxai-page-toggle");
  button.type = "button";
  button.addEventListener("click", () => XXAI.togglePage());
  document.documentElement.append(button);
  XXAI.pageButton = button;
  XXAI.updatePageButton();
};

/** Watch for content added later (infinite scroll, "load more replies"): one observer, batched. */
XXAI.observe = function observe() {
  let pending = new Set();
  let timer = null;
  const flush = () => {
    timer = null;
    const roots = [...pending].filter((n) => n.isConnected);
    pending = new Set();
    const fresh = roots.flatMap((root) => XXAI.scan(root));
    roots.forEach((root) => XXAI.scanImages(root)); // a slider loading more pictures
    if (XXAI.pageOn && fresh.length) XXAI.translateAll(fresh);
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE || XXAI.isOwn(node) || node.dataset.xxaiTerm !== undefined) continue;
        pending.add(node);
      }
    }
    if (pending.size && !timer && (XXAI.site.controls || XXAI.pageOn)) timer = setTimeout(flush, 120);
  });
  observer.observe(document.body, { childList: true, subtree: true });
  XXAI.observer = observer;
};
