// xxai web app: slang cards, the pinyin toggle, and Translate buttons on the feed.
// Untrusted text (posts, comments, translations) is only ever written with textContent.
"use strict";

(function () {
  const KEY_STORE = "xxai.apiKey";
  const TARGET_STORE = "xxai.target";
  const ALL_STORE = "xxai.translateAll";
  let cardCounter = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function htmlLang(code) {
    if (code === "zh") return "zh-Hans";
    if (!code || code === "und" || code === "auto") return "";
    return code;
  }

  function store(name, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(name);
      window.localStorage.setItem(name, value);
    } catch (e) {
      return null; // storage may be off (private mode); the page still works
    }
    return null;
  }

  // -- API key ----------------------------------------------------------------------------

  function apiKey() {
    const input = document.getElementById("api-key");
    return input ? input.value.trim() : "";
  }

  function setUpKey() {
    const input = document.getElementById("api-key");
    if (!input) return;
    input.value = store(KEY_STORE) || "";
    input.addEventListener("change", () => store(KEY_STORE, input.value.trim()));
    document.querySelectorAll("form").forEach((form) => {
      form.addEventListener("submit", () => {
        form.querySelectorAll("[data-api-key]").forEach((hidden) => {
          hidden.value = apiKey();
        });
      });
    });
  }

  async function api(path, body) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const key = apiKey();
    if (key) headers["X-API-Key"] = key;
    const response = await fetch(path, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const message = data && typeof data.error === "string" ? data.error : "HTTP " + response.status;
      throw new Error(message);
    }
    return data;
  }

  // -- slang cards ------------------------------------------------------------------------

  function closeCards(except) {
    document.querySelectorAll(".slang.open").forEach((wrap) => {
      if (wrap === except) return;
      wrap.classList.remove("open");
      const term = wrap.querySelector(".term");
      if (term) term.setAttribute("aria-expanded", "false");
    });
  }

  function toggleCard(term) {
    const wrap = term.closest(".slang");
    if (!wrap) return;
    const open = !wrap.classList.contains("open");
    closeCards(wrap);
    wrap.classList.toggle("open", open);
    term.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function setUpCards() {
    document.addEventListener("click", (event) => {
      const term = event.target.closest ? event.target.closest(".term") : null;
      if (term) {
        toggleCard(term);
        return;
      }
      if (!event.target.closest || !event.target.closest(".card")) closeCards(null);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeCards(null);
        return;
      }
      const term = event.target.closest ? event.target.closest(".term") : null;
      if (term && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        toggleCard(term);
      }
    });
  }

  function slangSpan(text, term) {
    cardCounter += 1;
    const id = "js-card-" + cardCounter;
    const wrap = el("span", "slang");
    const label = el("span", "term", text);
    label.tabIndex = 0;
    label.setAttribute("role", "button");
    label.setAttribute("aria-expanded", "false");
    label.setAttribute("aria-describedby", id);
    const card = el("span", "card");
    card.id = id;
    card.setAttribute("role", "tooltip");
    const head = el("span", "card-term", term.term);
    card.append(head, el("span", "card-rendering", "→ " + term.rendering));
    if (term.meaning) card.append(el("span", "card-meaning", term.meaning));
    wrap.append(label, card);
    return wrap;
  }

  // Mark spans [start, end) of text (indexes into `chars`, an array of code points).
  function marked(chars, spans, terms) {
    const frag = document.createDocumentFragment();
    let last = 0;
    spans
      .slice()
      .sort((a, b) => a[0] - b[0])
      .forEach(([start, end, index]) => {
        if (start < last) return;
        if (start > last) frag.append(document.createTextNode(chars.slice(last, start).join("")));
        frag.append(slangSpan(chars.slice(start, end).join(""), terms[index]));
        last = end;
      });
    if (last < chars.length) frag.append(document.createTextNode(chars.slice(last).join("")));
    return frag;
  }

  function markOriginal(node, result) {
    const chars = Array.from(result.text);
    if (!result.terms.length || node.textContent !== result.text) return;
    const spans = result.terms.map((t, i) => [t.start, t.end, i]);
    node.replaceChildren(marked(chars, spans, result.terms));
  }

  function markTranslation(result) {
    const chars = Array.from(result.translation);
    const lower = chars.map((c) => c.toLowerCase());
    const spans = [];
    let cursor = 0;
    result.terms.forEach((term, index) => {
      const needle = Array.from((term.rendering || "").toLowerCase());
      if (!needle.length) return;
      const find = (from) => {
        for (let i = from; i + needle.length <= lower.length; i += 1) {
          let ok = true;
          for (let j = 0; j < needle.length && ok; j += 1) ok = lower[i + j] === needle[j];
          if (ok) return i;
        }
        return -1;
      };
      let at = find(cursor);
      if (at < 0) at = find(0);
      if (at < 0) return;
      const end = at + needle.length;
      if (spans.some(([s, e]) => s < end && at < e)) return;
      spans.push([at, end, index]);
      cursor = end;
    });
    return marked(chars, spans, result.terms);
  }

  // -- pinyin toggle ----------------------------------------------------------------------

  function setUpPinyin() {
    document.querySelectorAll(".pinyin-toggle").forEach((button) => {
      const region = document.getElementById(button.getAttribute("aria-controls"));
      if (!region) return;
      button.addEventListener("click", () => {
        const on = !region.classList.contains("show-pinyin");
        region.classList.toggle("show-pinyin", on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = on ? "Hide pinyin" : "Show pinyin";
      });
    });
  }

  // -- Translate buttons (feed, search) ---------------------------------------------------

  function targetLang() {
    const select = document.querySelector("[data-feed-target]");
    return select ? select.value : "en";
  }

  function sources(button) {
    return (button.dataset.sources || "")
      .split(" ")
      .map((id) => document.getElementById(id))
      .filter(Boolean);
  }

  function showTranslation(button, box, results, target) {
    box.replaceChildren();
    const nodes = sources(button);
    results.forEach((result, i) => {
      const p = el("p", "translated");
      const lang = htmlLang(result.target_lang || target);
      if (lang) p.lang = lang;
      p.append(markTranslation(result));
      box.append(p);
      if (nodes[i]) markOriginal(nodes[i], result);
      if (result.note) box.append(el("p", "note", result.note));
    });
    box.dataset.lang = target;
    box.hidden = false;
    button.textContent = "Hide translation";
    button.setAttribute("aria-expanded", "true");
  }

  function showError(box, message) {
    box.replaceChildren(el("p", "error", message));
    box.hidden = false;
  }

  async function translateItems(buttons) {
    const target = targetLang();
    const limit = Math.max(1, Math.min(64, Number(document.body.dataset.maxBatch) || 32));
    let batch = [];
    let count = 0;
    const flush = async () => {
      if (!batch.length) return;
      const texts = batch.flatMap((item) => item.texts);
      const current = batch;
      batch = [];
      count = 0;
      current.forEach((item) => item.button.setAttribute("aria-busy", "true"));
      try {
        const data = await api("/api/v1/translate", { text: texts, target: target });
        let offset = 0;
        current.forEach((item) => {
          const results = data.results.slice(offset, offset + item.texts.length);
          offset += item.texts.length;
          showTranslation(item.button, item.box, results, target);
        });
      } catch (error) {
        current.forEach((item) => showError(item.box, error.message));
      } finally {
        current.forEach((item) => item.button.removeAttribute("aria-busy"));
      }
    };
    for (const button of buttons) {
      const box = document.getElementById(button.getAttribute("aria-controls"));
      if (!box) continue;
      const texts = sources(button).map((node) => node.textContent);
      if (count + texts.length > limit) await flush();
      batch.push({ button: button, box: box, texts: texts });
      count += texts.length;
    }
    await flush();
  }

  function setStatus(message) {
    const status = document.getElementById("feed-status");
    if (status) status.textContent = message;
  }

  function hide(button) {
    const box = document.getElementById(button.getAttribute("aria-controls"));
    if (box) box.hidden = true;
    button.textContent = "Translate";
    button.setAttribute("aria-expanded", "false");
  }

  function setUpTranslateButtons() {
    const buttons = Array.from(document.querySelectorAll(".translate-btn"));
    if (!buttons.length) return;
    buttons.forEach((button) => button.setAttribute("aria-expanded", "false"));
    const select = document.querySelector("[data-feed-target]");
    const all = document.querySelector("[data-translate-all]");
    if (select && select.id === "feed-target") {
      const saved = store(TARGET_STORE);
      if (saved && Array.from(select.options).some((o) => o.value === saved)) select.value = saved;
      select.addEventListener("change", () => {
        store(TARGET_STORE, select.value);
        buttons.forEach((button) => {
          hide(button);
          const box = document.getElementById(button.getAttribute("aria-controls"));
          if (box) box.replaceChildren();
        });
        if (all && all.checked) runAll();
      });
    }
    buttons.forEach((button) => {
      button.addEventListener("click", async () => {
        const box = document.getElementById(button.getAttribute("aria-controls"));
        if (!box) return;
        if (!box.hidden) {
          hide(button);
          return;
        }
        if (box.childNodes.length && box.dataset.lang === targetLang()) {
          box.hidden = false;
          button.textContent = "Hide translation";
          button.setAttribute("aria-expanded", "true");
          return;
        }
        button.disabled = true;
        await translateItems([button]);
        button.disabled = false;
      });
    });

    async function runAll() {
      const todo = buttons.filter((button) => {
        const box = document.getElementById(button.getAttribute("aria-controls"));
        return box && box.hidden;
      });
      setStatus("Translating " + todo.length + " items…");
      await translateItems(todo);
      setStatus("Translated " + todo.length + " items.");
    }

    if (all) {
      all.checked = store(ALL_STORE) === "on";
      all.addEventListener("change", () => {
        store(ALL_STORE, all.checked ? "on" : "off");
        if (all.checked) {
          runAll();
        } else {
          buttons.forEach(hide);
          setStatus("Translations hidden.");
        }
      });
      if (all.checked) runAll();
    }
  }

  function start() {
    setUpKey();
    setUpCards();
    setUpPinyin();
    setUpTranslateButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
