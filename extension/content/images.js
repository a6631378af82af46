// Note images: a "译 Image" control that lays the translated picture over the original.
// It appears only when the server has POST /api/v1/translate/image (older servers: nothing).
globalThis.XXAI = globalThis.XXAI || {};

const boundImages = new WeakSet();

function overlayOn(img, parent, data) {
  const overlay = XXAI.el("img", "xxai-img-overlay");
  overlay.alt = data.translation || "";
  overlay.title = data.translation || "";
  overlay.src = "data:image/png;base64," + data.rendered_png;
  Object.assign(overlay.style, {
    left: img.offsetLeft + "px",
    top: img.offsetTop + "px",
    width: img.offsetWidth + "px",
    height: img.offsetHeight + "px",
  });
  parent.append(overlay);
  return overlay;
}

function imageButton(img, parent) {
  const button = XXAI.el("button", "xxai-img-btn", "译 Image");
  button.type = "button";
  button.setAttribute("aria-label", "Translate the text in this image with xxai");
  button.setAttribute("aria-pressed", "false");
  let overlay = null;
  let busy = false;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    event.stopPropagation(); // the slider would take the click as a swipe or open the viewer
    if (busy) return;
    if (overlay) {
      overlay.hidden = !overlay.hidden;
      button.setAttribute("aria-pressed", String(!overlay.hidden));
      button.textContent = overlay.hidden ? "译 Image" : "Original";
      return;
    }
    busy = true;
    button.textContent = "Reading the image…";
    const answer = await XXAI.send({ type: "image", url: img.currentSrc || img.src, target: XXAI.settings.target });
    busy = false;
    if (!answer.ok) {
      button.textContent = "译 Image";
      XXAI.notify(answer.error.message);
      return;
    }
    if (!answer.data.blocks.length) {
      button.textContent = "No text found";
      return;
    }
    overlay = overlayOn(img, parent, answer.data);
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Original";
  });
  return button;
}

/** Give each large enough note image its control (once). */
XXAI.bindImage = function bindImage(img) {
  const rule = XXAI.site.images;
  if (boundImages.has(img) || XXAI.isOwn(img)) return;
  if (!img.complete || !img.naturalWidth) {
    img.addEventListener("load", () => XXAI.bindImage(img), { once: true });
    return;
  }
  if (img.naturalWidth < rule.min || img.naturalHeight < rule.min) return;
  boundImages.add(img);
  const parent = img.parentElement;
  if (getComputedStyle(parent).position === "static") parent.style.position = "relative";
  parent.append(imageButton(img, parent));
};

/** Bind the note images under root, if the server can translate images. */
XXAI.scanImages = function scanImages(root) {
  const rule = XXAI.site.images;
  if (!rule || !XXAI.imagesEnabled) return;
  const found = root.matches && root.matches(rule.selector) ? [root] : [];
  found.push(...root.querySelectorAll(rule.selector));
  found.forEach((img) => XXAI.bindImage(img));
};

/** Ask the server once whether it has the image endpoint; then bind the images. */
XXAI.startImages = async function startImages() {
  if (!XXAI.site.images) return;
  const answer = await XXAI.send({ type: "image-capabilities" });
  XXAI.imagesEnabled = Boolean(answer.ok && answer.data.image);
  XXAI.scanImages(document.body);
};
