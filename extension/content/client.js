// Talk to the service worker; batch and deduplicate translation requests; cache per page.
globalThis.XXAI = globalThis.XXAI || {};

/** Send a message to the service worker; always resolve to {ok, data} or {ok: false, error}. */
XXAI.send = function send(message) {
  return new Promise((resolve) => {
    try {
      chrome.runtime.sendMessage(message, (response) => {
        if (chrome.runtime.lastError || !response) {
          resolve({
            ok: false,
            error: { kind: "extension", message: "The xxai extension was updated or reloaded: reload this page." },
          });
        } else {
          resolve(response);
        }
      });
    } catch {
      resolve({ ok: false, error: { kind: "extension", message: "The xxai extension was reloaded: reload this page." } });
    }
  });
};

const MAX_TEXTS = 16; // texts per request: the server decodes a batch together
const MAX_CHARS = 6000; // characters per request, well under the server's max_request_chars
const IN_FLIGHT = 2; // requests at once: the server has one model, more would only queue there
const RETRIES = 3;

/** Queue texts, send them in batches, and remember every answer for this page session. */
XXAI.Translator = class Translator {
  constructor(onStatus) {
    this.cache = new Map(); // "target\u0000text" -> result
    this.waiting = new Map(); // key -> [{resolve}]
    this.queue = [];
    this.inFlight = 0;
    this.timer = null;
    this.requests = 0;
    this.onStatus = onStatus || (() => {});
  }

  /** Resolve to the API result for text, or to {error}; urgent (a click) skips the wait.
   * context: what the text replies to, read by the model but not translated. */
  translate(text, target, urgent = false, context = "") {
    const key = target + "\u0000" + text + "\u0000" + context;
    if (this.cache.has(key)) return Promise.resolve(this.cache.get(key));
    return new Promise((resolve) => {
      if (this.waiting.has(key)) {
        this.waiting.get(key).push(resolve);
        return;
      }
      this.waiting.set(key, [resolve]);
      this.queue.push({ key, text, target, context, tries: 0 });
      // Bulk work waits 30 ms to gather a batch; a click goes out in this turn's batch.
      this.schedule(urgent ? 0 : 30);
    });
  }

  schedule(delayMs) {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, delayMs);
  }

  pump() {
    while (this.inFlight < IN_FLIGHT && this.queue.length) {
      const target = this.queue[0].target;
      const batch = [];
      let chars = 0;
      while (this.queue.length && batch.length < MAX_TEXTS && this.queue[0].target === target) {
        const next = this.queue[0];
        if (batch.length && chars + next.text.length > MAX_CHARS) break;
        batch.push(this.queue.shift());
        chars += next.text.length;
      }
      this.send(batch, target);
    }
    this.onStatus({ queued: this.queue.length + this.waitingCount(), inFlight: this.inFlight });
  }

  waitingCount() {
    return this.waiting.size;
  }

  async send(batch, target) {
    this.inFlight += 1;
    this.requests += 1;
    const message = { type: "translate", texts: batch.map((b) => b.text), target };
    if (batch.some((b) => b.context)) message.contexts = batch.map((b) => b.context || "");
    const answer = await XXAI.send(message);
    this.inFlight -= 1;
    if (answer.ok && answer.data && Array.isArray(answer.data.results)) {
      batch.forEach((item, i) => this.settle(item.key, answer.data.results[i], true));
    } else {
      const error = (answer && answer.error) || { kind: "bug", message: "No answer from the server." };
      const retry = (error.kind === "rate" || error.kind === "starting") && batch.every((b) => b.tries < RETRIES);
      if (retry) {
        this.onStatus({ notice: error.message });
        batch.forEach((b) => (b.tries += 1));
        setTimeout(() => {
          this.queue.unshift(...batch);
          this.pump();
        }, Math.min(60, error.retryAfter || 5) * 1000);
      } else {
        batch.forEach((item) => this.settle(item.key, { error }, false));
      }
    }
    this.pump();
  }

  settle(key, result, keep) {
    if (keep) this.cache.set(key, result);
    const resolvers = this.waiting.get(key) || [];
    this.waiting.delete(key);
    resolvers.forEach((resolve) => resolve(result));
  }
};
