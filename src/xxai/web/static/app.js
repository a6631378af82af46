// xxai web app: slang cards, the pinyin toggle, and Translate buttons on the feed.
// Untrusted text (posts, comments, translations) is only ever written with textContent.
"use strict";

(function () {
  const KEY_STORE = "xxai.apiKey";
  const KEY_COOKIE = "xxai_api_key";
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

  // Page loads (GET /feed) cannot send a header, so the key also goes into a cookie that
  // only this site receives (SameSite=Strict), never into the address.
  function keyCookie(key) {
    const value = key ? encodeURIComponent(key) : "";
    const age = key ? "" : "; Max-Age=0";
    document.cookie = KEY_COOKIE + "=" + value + "; Path=/; SameSite=Strict" + age;
  }

  function setUpKey() {
    const input = document.getElementById("api-key");
    if (!input) return;
    input.value = store(KEY_STORE) || "";
    keyCookie(input.value.trim());
    input.addEventListener("change", () => {
      const key = input.value.trim();
      store(KEY_STORE, key);
      keyCookie(key);
      // A page refused for want of a key is loaded again, now with it.
      if (key && document.body.dataset.keyError === "true") window.location.reload();
    });
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
    // A text holding links keeps them: its slang stays unmarked rather than unlinked.
    if (!result.terms.length || node.textContent !== result.text || node.querySelector("a")) {
      return;
    }
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

  // -- reading aids: pinyin, tone colours, HSK levels, traditional/simplified ----------

  function setUpReadingAids() {
    document.querySelectorAll("[data-toggle]").forEach((button) => {
      const region = document.getElementById(button.getAttribute("aria-controls"));
      if (!region) return;
      const name = button.dataset.toggle;
      button.setAttribute("aria-pressed", region.classList.contains(name) ? "true" : "false");
      button.addEventListener("click", () => {
        const on = !region.classList.contains(name);
        region.classList.toggle(name, on);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
    document.querySelectorAll(".script-toggle").forEach((button) => {
      const region = document.getElementById(button.getAttribute("aria-controls"));
      if (!region) return;
      button.addEventListener("click", () => {
        // Swap each character with its other script; data-alt keeps the one not shown.
        region.querySelectorAll("ruby[data-alt]").forEach((ruby) => {
          const base = ruby.firstChild;
          if (!base || base.nodeType !== Node.TEXT_NODE) return;
          const shown = base.nodeValue;
          base.nodeValue = ruby.dataset.alt;
          ruby.dataset.alt = shown;
        });
        const on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  }

  // -- listen: speech from POST /api/v1/say -----------------------------------------------

  async function fetchAudio(text, lang) {
    const headers = { "Content-Type": "application/json" };
    const key = apiKey();
    if (key) headers["X-API-Key"] = key;
    const response = await fetch("/api/v1/say", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ text: text, lang: lang || "auto" }),
      credentials: "same-origin",
    });
    if (!response.ok) {
      let message = "HTTP " + response.status;
      try {
        const data = await response.json();
        if (data && typeof data.error === "string") message = data.error;
      } catch (e) {
        // not JSON: keep the status line
      }
      throw new Error(message);
    }
    return URL.createObjectURL(await response.blob());
  }

  function setUpListen() {
    document.addEventListener("click", async (event) => {
      const button = event.target.closest ? event.target.closest(".play-btn") : null;
      if (!button) return;
      const source = document.getElementById(button.dataset.say);
      if (!source) return;
      let audio = button.nextElementSibling;
      if (!audio || audio.tagName !== "AUDIO") {
        audio = el("audio", "player");
        audio.controls = true;
        audio.preload = "auto";
        button.after(audio);
      }
      const text = source.textContent;
      if (audio.dataset.text !== text) {
        button.setAttribute("aria-busy", "true");
        try {
          audio.src = await fetchAudio(text, button.dataset.lang);
          audio.dataset.text = text;
        } catch (error) {
          audio.replaceWith(el("span", "error", error.message));
          return;
        } finally {
          button.removeAttribute("aria-busy");
        }
      }
      audio.currentTime = 0;
      audio.play().catch(() => {
        // no audio output (or autoplay refused): the controls are there to press
      });
    });
  }

  // -- search: the fast answer first, then translations and the translated query ---------

  async function apiGet(path) {
    const headers = { Accept: "application/json" };
    if (apiKey()) headers["X-API-Key"] = apiKey();
    const response = await fetch(path, { headers: headers, credentials: "same-origin" });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error(data && typeof data.error === "string" ? data.error : "HTTP " + response.status);
    }
    return data;
  }

  function newHit(result, lang) {
    const item = el("li", "post");
    item.dataset.hitId = (result.kind || "post") + ":" + result.id;
    [result.title, result.text].filter(Boolean).forEach((text, i) => {
      const p = el("p", i === 0 && result.title ? "text title-text" : "text", text);
      const code = htmlLang(result.lang);
      if (code) p.lang = code;
      item.append(p);
    });
    const given = el("p", "given-translation");
    given.append(el("span", "label", "Translation:"), document.createTextNode(" "));
    given.append(el("span", "tr-text"));
    given.hidden = true;
    if (htmlLang(lang)) given.lang = htmlLang(lang);
    item.append(given);
    if (result.why && result.why.length) {
      const why = el("p", "why");
      why.append(el("span", "label", "Why:"), document.createTextNode(" " + result.why.join("; ")));
      item.append(why);
    }
    return item;
  }

  async function setUpSearch() {
    const section = document.getElementById("search-results");
    if (!section || !section.dataset.q) return;
    const select = document.getElementById("lang");
    const lang = select ? select.value : "en";
    const status = document.getElementById("search-status");
    const list = document.getElementById("result-list");
    status.textContent = "Translating the results and searching with the query's translation…";
    let data;
    try {
      const params = new URLSearchParams({ q: section.dataset.q, lang: lang, limit: "20" });
      data = await apiGet("/api/v1/search?" + params.toString());
    } catch (error) {
      status.textContent = "Translations are not available: " + error.message;
      return;
    }
    let added = 0;
    data.results.forEach((result) => {
      const key = (result.kind || "post") + ":" + result.id;
      let item = Array.from(list.children).find((li) => li.dataset.hitId === key);
      if (!item) {
        item = newHit(result, lang);
        list.append(item);
        added += 1;
      }
      const given = item.querySelector(".given-translation");
      if (result.translation && given) {
        given.querySelector(".tr-text").textContent = result.translation;
        given.hidden = false;
        const button = item.querySelector(".translate-btn");
        if (button) button.hidden = true; // the translation is already there
      }
    });
    const none = document.getElementById("no-results");
    if (none && list.children.length) none.hidden = true;
    status.textContent = added
      ? "Results translated; " + added + " more found through the query's translation."
      : "Results translated.";
    section.dataset.done = "true";
  }

  // -- the word list ---------------------------------------------------------------------

  function setUpWords() {
    document.addEventListener("click", async (event) => {
      const save = event.target.closest ? event.target.closest(".save-word") : null;
      if (save) {
        const d = save.dataset;
        save.disabled = true;
        try {
          await api("/api/v1/words", {
            word: d.word,
            pinyin: d.pinyin || "",
            meaning: d.meaning || "",
            sentence: d.sentence || "",
            translation: d.translation || "",
            source: d.source || "",
          });
          save.textContent = "★ Saved";
          save.setAttribute("aria-pressed", "true");
        } catch (error) {
          save.disabled = false;
          save.after(el("span", "error", error.message));
        }
        return;
      }
      const del = event.target.closest ? event.target.closest(".delete-word") : null;
      if (del) {
        const headers = { Accept: "application/json" };
        if (apiKey()) headers["X-API-Key"] = apiKey();
        const response = await fetch("/api/v1/words/" + encodeURIComponent(del.dataset.word), {
          method: "DELETE",
          headers: headers,
          credentials: "same-origin",
        });
        const item = del.closest("li");
        if (response.ok && item) item.remove();
      }
    });
    const form = document.querySelector("[data-add-word]");
    if (form) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const input = form.querySelector("input[name=word]");
        const status = document.getElementById("words-status");
        try {
          const saved = await api("/api/v1/words", { word: input.value, source: "web" });
          if (status) status.textContent = "Saved " + saved.word + " " + (saved.pinyin || "");
          window.location.reload();
        } catch (error) {
          if (status) status.textContent = error.message;
        }
      });
    }
    document.querySelectorAll("[data-export]").forEach((link) => {
      link.addEventListener("click", () => {
        const key = apiKey();
        const url = new URL(link.getAttribute("href"), window.location.href);
        if (key) url.searchParams.set("api_key", key);
        else url.searchParams.delete("api_key");
        link.href = url.pathname + url.search;
      });
    });
  }

  // -- copy the reply as plain text (never the ruby pinyin) --------------------------------

  function setUpCopy() {
    document.querySelectorAll(".copy-btn").forEach((button) => {
      button.addEventListener("click", async () => {
        const source = document.getElementById(button.dataset.copy);
        const status = document.getElementById("copy-status");
        if (!source) return;
        const text = source.textContent;
        try {
          await navigator.clipboard.writeText(text);
        } catch (e) {
          const area = el("textarea");
          area.value = text;
          document.body.append(area);
          area.select();
          document.execCommand("copy");
          area.remove();
        }
        if (status) status.textContent = "Copied.";
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

  // What a comment replies to, read by the model but not translated: a reply's parent
  // comment, else the post's title (or its text when it has none).
  function contextOf(button) {
    if (!button.closest(".comments")) return "";
    const parent = button.closest(".replies")?.closest("li");
    const scope = parent || button.closest("article.post");
    const text = scope?.querySelector(".item p.text");
    return text ? text.textContent.trim() : "";
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
      if (result.confidence === "low") {
        const why = (result.confidence_reasons || []).join("; ");
        const advice = (result.terms || []).length ? "check the notes" : "compare it with the original";
        box.append(el("p", "note low-confidence", `Low confidence (${why}): ${advice}.`));
      }
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
      const contexts = batch.flatMap((item) => item.texts.map(() => item.context));
      const body = { text: texts, target: target };
      if (contexts.some(Boolean)) body.context = contexts;
      const current = batch;
      batch = [];
      count = 0;
      current.forEach((item) => item.button.setAttribute("aria-busy", "true"));
      try {
        const data = await api("/api/v1/translate", body);
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
      batch.push({ button: button, box: box, texts: texts, context: contextOf(button) });
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

  function sameLanguage(lang, target) {
    if (!lang || lang === "und" || lang === "auto" || lang === "mixed") return false;
    const zh = (code) => code === "zh" || code === "zh-Hans";
    return lang === target || (zh(lang) && zh(target));
  }

  // A text already in the target language needs no Translate button.
  function syncButtons(buttons) {
    const target = targetLang();
    buttons.forEach((button) => {
      button.hidden = sameLanguage(button.dataset.lang, target);
    });
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
        syncButtons(buttons);
        buttons.forEach((button) => {
          hide(button);
          const box = document.getElementById(button.getAttribute("aria-controls"));
          if (box) box.replaceChildren();
        });
        if (all && all.checked) runAll();
      });
    }
    syncButtons(buttons);
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
        return box && box.hidden && !button.hidden;
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


  // -- images: translate page and feed ---------------------------------------------------

  const IMAGE_API = "/api/v1/translate/image";

  async function translateImage(blob, name, target, source) {
    const form = new FormData();
    form.append("image", blob, name || "image");
    form.append("target", target);
    form.append("source", source || "auto");
    form.append("render", "true");
    const headers = { Accept: "application/json" };
    const key = apiKey();
    if (key) headers["X-API-Key"] = key;
    const response = await fetch(IMAGE_API, {
      method: "POST",
      headers: headers,
      body: form,
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

  function readAsDataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(new Error("could not read the image"));
      reader.readAsDataURL(blob);
    });
  }

  // Fill a list with each block's text and translation, and a <dl> with its slang cards.
  function showBlocks(data, list, cards) {
    list.replaceChildren();
    const seen = new Set();
    if (cards) cards.replaceChildren();
    data.blocks.forEach((block) => {
      const li = el("li");
      const original = el("span", "block-text", block.text);
      const lang = htmlLang(block.source_lang);
      if (lang) original.lang = lang;
      const translated = el("span", "block-translation", block.translation);
      const target = htmlLang(data.target_lang);
      if (target) translated.lang = target;
      li.append(original, translated);
      list.append(li);
      block.terms.forEach((term) => {
        if (!cards || seen.has(term.term)) return;
        seen.add(term.term);
        const dt = el("dt", "", term.term + " → " + term.rendering);
        cards.append(dt, el("dd", "", term.meaning));
      });
    });
    if (!data.blocks.length) list.append(el("li", "note", "No text found in this image."));
    return seen.size;
  }

  function setUpImageTranslate() {
    const section = document.querySelector("[data-image-translate]");
    if (!section) return;
    const form = section.querySelector("[data-image-form]");
    const input = section.querySelector("[data-image-file]");
    const zone = section.querySelector("[data-dropzone]");
    const status = section.querySelector("[data-image-status]");
    const result = section.querySelector("[data-image-result]");
    const original = section.querySelector("[data-image-original]");
    const translated = section.querySelector("[data-image-translated]");
    const list = section.querySelector("[data-image-blocks]");
    const cards = section.querySelector("[data-image-cards]");
    const cardsWrap = section.querySelector("[data-image-cards-wrap]");
    let current = null;

    async function run(file) {
      if (!file) {
        status.textContent = "Choose an image first.";
        return;
      }
      current = file;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.textContent = "Reading the text in the image…";
      try {
        original.src = await readAsDataUrl(file);
        const data = await translateImage(
          file,
          file.name,
          form.elements.target.value,
          form.elements.source.value
        );
        if (current !== file) return; // a newer image was chosen meanwhile
        translated.src = "data:image/png;base64," + data.rendered_png;
        const found = showBlocks(data, list, cards);
        cardsWrap.hidden = found === 0;
        result.hidden = false;
        const notes = data.notes.length ? " (" + data.notes.join("; ") + ")" : "";
        status.textContent = "Found " + data.blocks.length + " text block(s)." + notes;
      } catch (error) {
        status.textContent = "";
        result.hidden = true;
        const box = el("p", "error", error.message);
        box.setAttribute("role", "alert");
        status.append(box);
      } finally {
        button.disabled = false;
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(input.files && input.files[0]);
    });
    input.addEventListener("change", () => run(input.files && input.files[0]));
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) run(file);
    });
    document.addEventListener("paste", (event) => {
      const items = event.clipboardData ? Array.from(event.clipboardData.items) : [];
      const item = items.find((i) => i.kind === "file" && i.type.startsWith("image/"));
      if (!item) return; // pasting text into the text box works as usual
      event.preventDefault();
      const blob = item.getAsFile();
      if (blob) run(new File([blob], "pasted." + (blob.type.split("/")[1] || "png"), { type: blob.type }));
    });
  }

  async function fetchImage(url) {
    const headers = {};
    const key = apiKey();
    if (key) headers["X-API-Key"] = key;
    const response = await fetch(url, { headers: headers, credentials: "same-origin" });
    if (!response.ok) {
      let message = "HTTP " + response.status;
      try {
        const data = await response.json();
        if (data && typeof data.error === "string") message = data.error;
      } catch (e) {
        // not JSON: keep the status
      }
      throw new Error(message);
    }
    return response.blob();
  }

  function setUpPostImages() {
    document.querySelectorAll("[data-post-image]").forEach(async (figure) => {
      const img = figure.querySelector("img");
      try {
        img.src = await readAsDataUrl(await fetchImage(figure.dataset.postImage));
      } catch (error) {
        figure.replaceChildren(el("p", "error", "Image not available: " + error.message));
      }
    });
    document.querySelectorAll(".translate-image-btn").forEach((button) => {
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", async () => {
        const figure = button.closest("[data-post-image]");
        const box = document.getElementById(button.getAttribute("aria-controls"));
        if (!figure || !box) return;
        if (!box.hidden) {
          box.hidden = true;
          button.textContent = "Translate image";
          button.setAttribute("aria-expanded", "false");
          return;
        }
        button.disabled = true;
        try {
          const blob = await fetchImage(figure.dataset.postImage);
          const data = await translateImage(blob, "post-image", targetLang(), "auto");
          const img = el("img");
          img.alt = "The image with the translation drawn over its text";
          img.src = "data:image/png;base64," + data.rendered_png;
          const list = el("ol", "image-blocks");
          const cards = el("dl", "notes");
          const found = showBlocks(data, list, cards);
          box.replaceChildren(img, list);
          if (found) box.append(cards);
          box.hidden = false;
          button.textContent = "Hide translation";
          button.setAttribute("aria-expanded", "true");
        } catch (error) {
          box.replaceChildren(el("p", "error", error.message));
          box.hidden = false;
        } finally {
          button.disabled = false;
        }
      });
    });
  }

  function start() {
    setUpKey();
    setUpCards();
    setUpReadingAids();
    setUpListen();
    setUpWords();
    setUpCopy();
    setUpSearch();
    setUpTranslateButtons();
    setUpImageTranslate();
    setUpPostImages();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
