// Site rules: one data object per site. A site's redesign is a change here, not in the code.
// Each unit rule names the element whose text is translated; the translation goes after it.
globalThis.XXAI = globalThis.XXAI || {};

XXAI.sites = [
  {
    id: "rednote",
    name: "RedNote (xiaohongshu.com)",
    hosts: ["www.xiaohongshu.com", "xiaohongshu.com"],
    lang: "zh",
    controls: true, // a Translate control on every unit, and the page toggle, from the start
    units: [
      { kind: "title", selector: "#noteContainer #detail-title, #detail-title" },
      { kind: "body", selector: "#detail-desc .note-text" },
      { kind: "comment", selector: ".comments-container .parent-comment > .comment-item .note-text" },
      { kind: "reply", selector: ".reply-container .comment-item-sub .note-text" },
      { kind: "card", selector: "section.note-item a.title" },
    ],
    // What a comment replies to, sent with it as context (read by the model, not translated):
    // a reply, its parent comment (within the `within` ancestor); a comment, the note's title
    // (or its text when it has none). The first selector that finds text wins.
    context: {
      comment: { selectors: ["#detail-title", "#detail-desc .note-text"] },
      reply: { within: ".parent-comment", selectors: [":scope > .comment-item .note-text"] },
    },
    // Text inside these stays as it is (hashtags link to searches, mentions to people).
    keep: ["a.tag", "a.note-content-user", "img"],
    inputs: ["#content-textarea", "p.content-input", "textarea", "[contenteditable='true']"],
    // Note pictures (served from RedNote's image CDN, *.xhscdn.com: a host permission).
    images: { selector: "#noteContainer .swiper-slide img, #noteContainer .note-slider img", min: 120 },
    root: "#app, body",
  },
  {
    id: "generic",
    name: "Any other page (when you ask)",
    hosts: ["*"],
    lang: "auto",
    controls: false, // only once the user asks (shortcut, menu or the toolbar button)
    units: [
      { kind: "heading", selector: "main h1, main h2, main h3, article h1, article h2, article h3" },
      { kind: "paragraph", selector: "p, li, blockquote, dd, figcaption, td" },
    ],
    keep: ["code", "pre", "kbd", "samp", "script", "style"],
    context: {},
    inputs: ["textarea", "[contenteditable='true']", "[contenteditable='']"],
    images: null,
    root: "body",
  },
];

/** Return the rules for this page's host (the generic rules when no site matches). */
XXAI.siteFor = function siteFor(hostname) {
  return XXAI.sites.find((s) => s.hosts.includes(hostname)) || XXAI.sites.find((s) => s.id === "generic");
};
