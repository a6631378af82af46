// The reply helper: write in your language in a comment box, get a natural reply in the other
// one with pinyin and a back-translation, and insert it only when you confirm.
globalThis.XXAI = globalThis.XXAI || {};

let helperButton = null;
let box = null; // the input the helper works for
let dialog = null;

function inputOf(node) {
  if (!node || node.nodeType !== Node.ELEMENT_NODE || XXAI.isOwn(node)) return null;
  for (const selector of XXAI.site.inputs) {
    const hit = node.closest(selector);
    if (hit) return hit;
  }
  if (node.tagName === "TEXTAREA" || node.isContentEditable) return node.closest("[contenteditable]") || node;
  return null;
}

function readBox(input) {
  return input.tagName === "TEXTAREA" || input.tagName === "INPUT" ? input.value : input.innerText;
}

/** Put text into the box the way typing would, so the page's own code notices it. */
XXAI.writeBox = function writeBox(input, text) {
  input.focus();
  if (input.tagName === "TEXTAREA" || input.tagName === "INPUT") {
    const proto = input.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(input, text);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return;
  }
  const selection = window.getSelection();
  const range = document.createRange();
  range.selectNodeContents(input);
  selection.removeAllRanges();
  selection.addRange(range);
  // insertText goes through the editor's own input handling (Vue, React, ProseMirror).
  if (!document.execCommand("insertText", false, text)) {
    input.textContent = text;
    input.dispatchEvent(new InputEvent("input", { bubbles: true, data: text, inputType: "insertText" }));
  }
};

function defaultTarget(text) {
  const chosen = XXAI.settings.replyTarget;
  if (chosen && chosen !== "auto") return chosen;
  return XXAI.hanShare(text) > 0.3 ? "en" : "zh";
}

function select(label, options, value) {
  const wrap = XXAI.el("label", "xxai-field", label + " ");
  const sel = XXAI.el("select");
  for (const [code, name] of options) {
    const opt = XXAI.el("option", null, name);
    opt.value = code;
    sel.append(opt);
  }
  sel.value = value;
  wrap.append(sel);
  return [wrap, sel];
}

function closeDialog() {
  if (dialog) dialog.remove();
  dialog = null;
}

function button(text, cls, onClick) {
  const b = XXAI.el("button", cls, text);
  b.type = "button";
  b.addEventListener("click", (event) => {
    event.preventDefault();
    onClick();
  });
  return b;
}

/** Open the helper for an input: compose, check, then insert on confirmation. */
XXAI.openReply = function openReply(input) {
  closeDialog();
  const draft = readBox(input).trim();
  dialog = XXAI.el("div", "xxai-reply");
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-label", "xxai reply helper");
  const source = XXAI.el("textarea", "xxai-reply-source");
  source.value = draft;
  source.placeholder = "Write what you want to say, in your language";
  source.rows = 3;
  const [targetField, targetSel] = select(
    "Reply in",
    [["zh", "Chinese"], ["en", "English"], ["zh-Hant", "Chinese (traditional)"], ["de", "German"]],
    defaultTarget(draft),
  );
  const [toneField, toneSel] = select("Tone", [["casual", "casual"], ["polite", "polite"]], "casual");
  const out = XXAI.el("div", "xxai-reply-out");
  out.setAttribute("aria-live", "polite");
  const actions = XXAI.el("div", "xxai-reply-actions");
  const write = button("Write reply", "xxai-primary", async () => {
    const text = source.value.trim();
    if (!text) return;
    out.replaceChildren(XXAI.el("span", "xxai-progress", "Writing…"));
    const answer = await XXAI.send({ type: "reply", text, target: targetSel.value, tone: toneSel.value });
    if (!dialog) return;
    if (!answer.ok) {
      out.replaceChildren(XXAI.el("span", "xxai-error", answer.error.message));
      return;
    }
    const r = answer.data;
    const reply = XXAI.el("div", "xxai-reply-text", r.reply);
    reply.lang = r.target_lang;
    out.replaceChildren(reply);
    if (r.pinyin) out.append(XXAI.el("div", "xxai-reply-pinyin", r.pinyin));
    if (r.back_translation) out.append(XXAI.el("div", "xxai-reply-back", "Means: " + r.back_translation));
    const insert = button("Insert", "xxai-primary xxai-insert", () => {
      XXAI.writeBox(input, r.reply);
      closeDialog();
    });
    out.append(insert);
    insert.focus();
  });
  actions.append(write, button("Cancel", "xxai-cancel", closeDialog));
  dialog.append(source, targetField, toneField, actions, out);
  document.documentElement.append(dialog);
  const rect = input.getBoundingClientRect();
  const width = Math.min(360, document.documentElement.clientWidth - 16);
  dialog.style.width = width + "px";
  dialog.style.left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8)) + "px";
  dialog.style.top = rect.bottom + window.scrollY + 8 + "px";
  source.focus();
};

function placeButton(input) {
  const rect = input.getBoundingClientRect();
  helperButton.hidden = false;
  helperButton.style.top = rect.bottom + window.scrollY - 30 + "px";
  helperButton.style.left = Math.max(4, rect.right + window.scrollX - helperButton.offsetWidth - 4) + "px";
}

/** Offer the helper beside any comment box, textarea or contenteditable that gets focus. */
XXAI.watchInputs = function watchInputs() {
  helperButton = XXAI.el("button", "xxai-reply-btn", "译 Reply");
  helperButton.type = "button";
  helperButton.title = "Write a reply with xxai (Alt+Shift+R)";
  helperButton.hidden = true;
  helperButton.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
  helperButton.addEventListener("click", () => box && XXAI.openReply(box));
  document.documentElement.append(helperButton);
  document.addEventListener("focusin", (event) => {
    const input = inputOf(event.target);
    if (input) {
      box = input;
      placeButton(input);
    } else if (!XXAI.isOwn(event.target)) {
      helperButton.hidden = true;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.shiftKey && event.code === "KeyR") {
      const input = inputOf(document.activeElement);
      if (input) {
        event.preventDefault();
        XXAI.openReply(input);
      }
    }
    if (event.key === "Escape" && dialog) closeDialog();
  });
};
