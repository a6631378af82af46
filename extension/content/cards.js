// Slang cards: a term underlined in the text opens a card on hover, tap or keyboard focus.
globalThis.XXAI = globalThis.XXAI || {};

const explained = new Map(); // term -> Promise of the glossary entry (or null)

function explain(term) {
  if (!explained.has(term)) {
    explained.set(
      term,
      XXAI.send({ type: "explain", term }).then((a) =>
        a.ok && a.data && a.data.found && a.data.entries.length ? a.data.entries[0] : null,
      ),
    );
  }
  return explained.get(term);
}

function row(card, label, value) {
  if (!value) return;
  const line = XXAI.el("div", "xxai-card-row");
  line.append(XXAI.el("span", "xxai-card-label", label), XXAI.el("span", "xxai-card-value", value));
  card.append(line);
}

function fill(card, term, entry, lang) {
  card.replaceChildren();
  const head = XXAI.el("div", "xxai-card-head");
  head.append(XXAI.el("strong", "xxai-card-term", term.term));
  if (entry && entry.pinyin) head.append(XXAI.el("span", "xxai-card-pinyin", entry.pinyin));
  card.append(head);
  const meanings = (entry && entry.meaning) || {};
  row(card, "Meaning", meanings[lang] || meanings.en || term.meaning);
  if (term.rendering) row(card, "Rendered as", term.rendering);
  if (entry) {
    row(card, "Literally", entry.literal);
    row(card, "Register", entry.register);
    if (entry.example && entry.example.text) {
      row(card, "Example", entry.example.text + (entry.example.translation ? " — " + entry.example.translation : ""));
    }
  }
}

let card = null;
let owner = null;
let hideTimer = null;

function cardElement() {
  if (!card) {
    card = XXAI.el("div", "xxai-card");
    card.id = "xxai-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    card.addEventListener("mouseleave", () => XXAI.hideCard(300));
    document.documentElement.append(card);
  }
  return card;
}

function place(target) {
  const c = cardElement();
  const r = target.getBoundingClientRect();
  const width = Math.min(320, document.documentElement.clientWidth - 16);
  c.style.width = width + "px";
  const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
  c.style.left = left + "px";
  c.style.top = r.bottom + window.scrollY + 6 + "px";
}

/** Show the card for a term under the element it belongs to. */
XXAI.showCard = function showCard(target, term) {
  clearTimeout(hideTimer);
  const c = cardElement();
  owner = target;
  fill(c, term, null, XXAI.settings.target);
  c.hidden = false;
  target.setAttribute("aria-describedby", c.id);
  place(target);
  explain(term.term).then((entry) => {
    if (owner === target && entry) {
      fill(c, term, entry, XXAI.settings.target.startsWith("zh") ? "zh" : XXAI.settings.target);
      place(target);
    }
  });
};

/** Hide the card after a moment (so the pointer can move onto it). */
XXAI.hideCard = function hideCard(delayMs = 150) {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => {
    if (card) card.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }, delayMs);
};

/** Make an underlined term open its card on hover, tap (click) and keyboard focus. */
XXAI.attachCard = function attachCard(span, term) {
  span.classList.add("xxai-term");
  span.tabIndex = 0;
  span.setAttribute("role", "button");
  span.setAttribute("aria-label", `${term.term}: slang, show the explanation`);
  span.addEventListener("mouseenter", () => XXAI.showCard(span, term));
  span.addEventListener("mouseleave", () => XXAI.hideCard());
  span.addEventListener("focus", () => XXAI.showCard(span, term));
  span.addEventListener("blur", () => XXAI.hideCard());
  span.addEventListener("click", (event) => {
    // A tap on a phone: open the card instead of following a link around the term.
    event.preventDefault();
    event.stopPropagation();
    XXAI.showCard(span, term);
  });
  span.addEventListener("keydown", (event) => {
    if (event.key === "Escape") XXAI.hideCard(0);
  });
};

/** Underline terms in an element's text (found is from locateTerms or locateRenderings). */
XXAI.underline = function underline(root, found, own = false) {
  for (const f of found) {
    const span = XXAI.wrapRange(root, f.start, f.end, "xxai-term", own);
    if (span) XXAI.attachCard(span, f.term);
  }
};
