/* Cards v2 renderer, card HTML sanitizer and Chat text formatter for the playground.
 *
 * Everything is built with DOM calls: untrusted text only ever becomes text nodes or
 * attribute values that were checked (links: http/https only; colours: a strict pattern).
 * Card HTML (decoratedText.text, textParagraph.text, section.header) goes through
 * sanitize(), an allow-list of Chat's HTML subset: <b> <i> <u> <s> <font color> <a href> <br>
 * (plus their synonyms <strong> <em> <strike> <del> and <time>). Anything else is unwrapped
 * to its text; <script>, <style> and friends are dropped with their content.
 *
 * A widget this file does not know is shown as a visible placeholder naming it, never a blank.
 */
(function () {
  "use strict";

  // -- tiny DOM helper ---------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  function safeUrl(value, { allowMailto = false } = {}) {
    if (typeof value !== "string" || !value.trim()) return null;
    try {
      const url = new URL(value.trim());
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
      if (allowMailto && url.protocol === "mailto:") return url.href;
    } catch (_) { /* not an absolute URL */ }
    return null;
  }

  const COLOR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\(\s*\d{1,3}%?\s*(,\s*\d{1,3}%?\s*){2}(,\s*(0|1|0?\.\d+)\s*)?\))$/;

  // -- the card HTML subset ----------------------------------------------------------------
  const TAGS = { B: "b", STRONG: "b", I: "i", EM: "i", U: "u", S: "s", STRIKE: "s", DEL: "s", BR: "br",
                 FONT: "font", A: "a", TIME: "time" };
  const DROP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "NOSCRIPT", "TEXTAREA",
                        "SELECT", "SVG", "MATH", "HEAD", "TITLE", "META", "LINK"]);

  function appendText(target, text) {
    // A newline in card text is a line break in Chat.
    const parts = String(text).split("\n");
    parts.forEach((part, index) => {
      if (index) target.append(document.createElement("br"));
      if (part) target.append(document.createTextNode(part));
    });
  }

  function cleanInto(target, source) {
    for (const node of Array.from(source.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) { appendText(target, node.data); continue; }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.tagName.toUpperCase();
      if (DROP.has(tag)) continue;
      const kind = TAGS[tag];
      if (!kind) { cleanInto(target, node); continue; }  // unknown tag: keep its text only
      if (kind === "br") { target.append(document.createElement("br")); continue; }
      let el;
      if (kind === "font") {
        el = document.createElement("span");
        el.className = "html-font";
        const color = (node.getAttribute("color") || "").trim();
        if (COLOR.test(color)) el.style.color = color;
      } else if (kind === "a") {
        const href = safeUrl(node.getAttribute("href"), { allowMailto: true });
        if (!href) { cleanInto(target, node); continue; }  // javascript:, data:, relative… -> plain text
        el = h("a", { href, target: "_blank", rel: "noopener noreferrer" });
      } else {
        el = document.createElement(kind);
      }
      cleanInto(el, node);
      target.append(el);
    }
    return target;
  }

  /** A DocumentFragment with ``html`` reduced to Chat's card HTML subset. */
  function sanitize(html) {
    const fragment = document.createDocumentFragment();
    if (html === null || html === undefined || html === "") return fragment;
    // DOMParser documents are inert: nothing in them loads or runs.
    const parsed = new DOMParser().parseFromString(String(html), "text/html");
    return cleanInto(fragment, parsed.body);
  }

  // -- Chat's text message formatting (Message.text) --------------------------------------
  const TEXT_TOKENS = /<(users\/[^>|\s]+)>|<(https?:\/\/[^>|\s]+)\|([^>]*)>|<(https?:\/\/[^>\s]+)>|(https?:\/\/[^\s<>]+[^\s<>.,;:!?)\]'"])|```([\s\S]+?)```|`([^`\n]+)`|\*([^*\n]+)\*|(?<![\w])_([^_\n]+)_(?![\w])|~([^~\n]+)~/g;

  /** A fragment for a plain Chat text message: *bold*, _italic_, ~strike~, `code`, links, mentions. */
  function chatText(text, userName) {
    const fragment = document.createDocumentFragment();
    const source = String(text || "");
    let last = 0;
    for (const match of source.matchAll(TEXT_TOKENS)) {
      if (match.index > last) appendText(fragment, source.slice(last, match.index));
      last = match.index + match[0].length;
      const [, mention, linkUrl, linkLabel, angleUrl, bareUrl, block, code, bold, italic, strike] = match;
      if (mention) fragment.append(h("span", { class: "mention" }, "@" + (userName ? userName(mention) : mention)));
      else if (linkUrl || angleUrl || bareUrl) {
        const href = safeUrl(linkUrl || angleUrl || bareUrl);
        fragment.append(href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, linkLabel || href)
                             : document.createTextNode(match[0]));
      } else if (block) fragment.append(h("pre", {}, block));
      else if (code) fragment.append(h("code", {}, code));
      else if (bold) fragment.append(h("b", {}, chatText(bold, userName)));
      else if (italic) fragment.append(h("i", {}, chatText(italic, userName)));
      else if (strike) fragment.append(h("s", {}, chatText(strike, userName)));
    }
    if (last < source.length) appendText(fragment, source.slice(last));
    return fragment;
  }

  // -- icons --------------------------------------------------------------------------------
  // No web fonts and no emoji font can be assumed offline: Material Symbols and Chat's
  // known icons are drawn as small outline SVGs made for this page (constant markup, never
  // card data). An unknown name shows a neutral circle with its initial and the name as title.
  const P = {
    camera: '<rect x="2.5" y="6" width="13" height="12" rx="2"/><path d="M15.5 10.5 21.5 7v10l-6-3.5z"/>',
    clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3.5 2"/>',
    hangup: '<path d="M2.5 14.5c5.5-5 13.5-5 19 0l-2.5 3-4-1.2V13.5a12 12 0 0 0-6 0v2.8l-4 1.2z"/>',
    phone: '<path d="M5 3.5h4l2 5-2.5 1.6a11 11 0 0 0 5.4 5.4L15.5 13l5 2v4a2 2 0 0 1-2.2 2A16.5 16.5 0 0 1 3 5.7 2 2 0 0 1 5 3.5z"/>',
    group: '<circle cx="9" cy="8" r="3.2"/><path d="M2.5 19.5c0-3.6 2.9-5.5 6.5-5.5s6.5 1.9 6.5 5.5"/><circle cx="17" cy="9" r="2.5"/><path d="M16.5 14.2c3 0 5 1.6 5 4.8"/>',
    person: '<circle cx="12" cy="8" r="4"/><path d="M4 20.5c0-4.2 3.6-6.5 8-6.5s8 2.3 8 6.5"/>',
    link: '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
    dialpad: '<g fill="currentColor" stroke="none"><circle cx="6" cy="5" r="1.6"/><circle cx="12" cy="5" r="1.6"/><circle cx="18" cy="5" r="1.6"/><circle cx="6" cy="11" r="1.6"/><circle cx="12" cy="11" r="1.6"/><circle cx="18" cy="11" r="1.6"/><circle cx="6" cy="17" r="1.6"/><circle cx="12" cy="17" r="1.6"/><circle cx="18" cy="17" r="1.6"/><circle cx="12" cy="22" r="1.4"/></g>',
    globe: '<circle cx="12" cy="12" r="9"/><ellipse cx="12" cy="12" rx="4" ry="9"/><path d="M3 12h18"/>',
    building: '<path d="M4 21V3h10v18M14 9h6v12M2.5 21h19M7 7h4M7 11h4M7 15h4M17 13h0M17 17h0"/>',
    lock: '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    unlock: '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 7.7-1.5"/>',
    shield: '<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/>',
    gear: '<circle cx="12" cy="12" r="3"/><circle cx="12" cy="12" r="7.2" stroke-width="3.2" stroke-dasharray="2.9 2.75"/>',
    refresh: '<path d="M20 12a8 8 0 1 1-2.4-5.7"/><path d="M20 4v4.5h-4.5"/>',
    record: '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="4" fill="currentColor"/>',
    calendar: '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>',
    timer: '<circle cx="12" cy="13.5" r="7.5"/><path d="M12 9.5v4M9 2.5h6"/>',
    doc: '<path d="M6 2.5h8l4 4v15H6z"/><path d="M14 2.5v4h4M9 12h6M9 16h6"/>',
    mic: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M6 11a6 6 0 0 0 12 0M12 17v4"/>',
    mail: '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3.5 6.5 12 13l8.5-6.5"/>',
    star: '<path d="M12 3l2.7 5.8 6.3.7-4.7 4.3 1.3 6.2L12 17l-5.6 3 1.3-6.2L3 9.5l6.3-.7z"/>',
    check: '<path d="M4.5 12.5l5 5 10-11"/>',
    close: '<path d="M6 6l12 12M18 6 6 18"/>',
    info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/>',
    help: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.6 2.6 0 1 1 3.6 2.4c-.8.4-1.1.9-1.1 1.8M12 17v.5"/>',
    warning: '<path d="M12 3.5 22 20H2z"/><path d="M12 10v4.5M12 17v.5"/>',
    stop: '<rect x="6" y="6" width="12" height="12" rx="1.5"/>',
    play: '<circle cx="12" cy="12" r="9"/><path d="M10 8.5v7l5.5-3.5z"/>',
    open: '<path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>',
    logout: '<path d="M10 4H5v16h5M15 8l4 4-4 4M19 12H9"/>',
    pin: '<path d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.3"/>',
    list: '<path d="M8 6h12M8 12h12M8 18h12M4 6h0M4 12h0M4 18h0"/>',
    folder: '<path d="M3 6.5a1.5 1.5 0 0 1 1.5-1.5H9l2 2h8.5A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z"/>',
    save: '<path d="M5 3.5h11l3.5 3.5v13H5z"/><path d="M8 3.5v5h7v-5M8 20.5v-6h8v6"/>',
    person_off: '<circle cx="12" cy="8" r="4"/><path d="M4 20.5c0-4.2 3.6-6.5 8-6.5s8 2.3 8 6.5"/><path d="M3.5 3.5l17 17"/>',
    event_available: '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/><path d="M8.5 15.2l2.4 2.4 4.6-4.6"/>',
    task: '<path d="M20.5 11.2V12a8.5 8.5 0 1 1-5-7.75"/><path d="M8 11.5l3.5 3.5L21 5.5"/>',
    moon: '<path d="M20 14.5A8.5 8.5 0 1 1 9.5 4a7 7 0 0 0 10.5 10.5z"/>',
    sync_off: '<path d="M20 12a8 8 0 1 1-2.4-5.7"/><path d="M20 4v4.5h-4.5"/><path d="M4 4l16 16"/>',
    translate: '<path d="M3 5.5h10M8 3.5v2M5 5.5c1 4 4 7 7.5 8.5M11 5.5c-1 4-4 7-7.5 8.5"/><path d="M12.5 21l4-10 4 10M14 17.5h5"/>',
  };
  const ICON_NAMES = {
    videocam: "camera", video_camera: "camera", video_call: "camera", schedule: "clock", clock: "clock", history: "clock",
    call_end: "hangup", group: "group", groups: "group", multiple_people: "group", supervisor_account: "group",
    people: "group", radio_button_checked: "record", fiber_manual_record: "record", link: "link", dialpad: "dialpad",
    public: "globe", language: "globe", domain: "building", business: "building", store: "building", lock: "lock",
    lock_open: "unlock", shield: "shield", security: "shield", admin_panel_settings: "shield", person: "person",
    person_outline: "person", account_circle: "person", membership: "person", badge: "person", call: "phone",
    phone: "phone", event: "calendar", calendar_today: "calendar", today: "calendar", date_range: "calendar",
    timer: "timer", hourglass_empty: "timer", description: "doc", article: "doc", notes: "doc", sticky_note_2: "doc",
    edit_note: "doc", summarize: "doc", subtitles: "doc", closed_caption: "doc", mic: "mic",
    record_voice_over: "mic", movie: "play", smart_display: "play", play_circle: "play", video_play: "play",
    email: "mail", mail: "mail", invite: "mail", settings: "gear", tune: "gear", refresh: "refresh", update: "refresh",
    sync: "refresh", star: "star", bookmark: "star", check: "check", done: "check", check_circle: "check",
    close: "close", cancel: "close", info: "info", help: "help", help_outline: "help", warning: "warning",
    error: "warning", stop: "stop", stop_circle: "stop", open_in_new: "open", launch: "open", logout: "logout",
    map_pin: "pin", place: "pin", list: "list", description_icon: "doc", folder: "folder", folder_shared: "folder",
    folder_open: "folder", drive_file_move: "folder", save: "save", person_off: "person_off",
    event_available: "event_available", event_busy: "calendar", task_alt: "task", task: "task", bedtime: "moon",
    dark_mode: "moon", sync_disabled: "sync_off", translate: "translate", g_translate: "translate",
  };
  const SVG = "http://www.w3.org/2000/svg";

  function icon(spec, extraClass) {
    if (!spec || typeof spec !== "object") return null;
    const label = spec.altText || "";
    const iconUrl = safeUrl(spec.iconUrl);
    if (iconUrl) {
      return image(iconUrl, label, `icon icon-img ${spec.imageType === "CIRCLE" ? "circle" : ""} ${extraClass || ""}`,
                   { width: 20, height: 20 });
    }
    const raw = spec.materialIcon ? spec.materialIcon.name : spec.knownIcon;
    if (!raw) return null;
    const name = String(raw).toLowerCase();
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", `icon ${extraClass || ""}`);
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "1.8");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    svg.dataset.icon = name;
    if (label) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label); }
    else svg.setAttribute("aria-hidden", "true");
    const title = document.createElementNS(SVG, "title");
    title.textContent = label || name.replace(/_/g, " ");
    svg.append(title);
    const shape = P[ICON_NAMES[name]];
    if (shape) {
      svg.insertAdjacentHTML("beforeend", shape); // constant markup from P, never card data
    } else {
      const circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("cx", "12"); circle.setAttribute("cy", "12"); circle.setAttribute("r", "9");
      const letter = document.createElementNS(SVG, "text");
      letter.setAttribute("x", "12"); letter.setAttribute("y", "16"); letter.setAttribute("text-anchor", "middle");
      letter.setAttribute("font-size", "11"); letter.setAttribute("fill", "currentColor"); letter.setAttribute("stroke", "none");
      letter.textContent = name.slice(0, 1).toUpperCase();
      svg.append(circle, letter);
    }
    return svg;
  }

  /** An <img> that turns into a labelled grey box when it cannot load (offline, 404). */
  function image(src, alt, cls, extra) {
    const img = h("img", { class: cls, src, alt: alt || "", loading: "lazy", ...(extra || {}) });
    img.addEventListener("error", () => {
      const box = h("span", { class: `${cls} img-fallback`, role: "img", "aria-label": alt || "Image",
                               title: `Image could not load: ${src}` }, alt || "Image");
      img.replaceWith(box);
    }, { once: true });
    return img;
  }

  // -- actions ------------------------------------------------------------------------------
  function colorCss(color) {
    if (!color || typeof color !== "object") return null;
    const part = (v) => Math.round(Math.max(0, Math.min(1, Number(v) || 0)) * 255);
    const alpha = color.alpha === undefined ? 1 : Math.max(0, Math.min(1, Number(color.alpha)));
    return `rgba(${part(color.red)}, ${part(color.green)}, ${part(color.blue)}, ${alpha})`;
  }

  /** Attach an ``onClick`` to an element: link, action, overflow menu; or mark it inert. */
  function clickable(label, content, onClick, ctx, options) {
    const opts = options || {};
    const cls = opts.class || "";
    if (onClick && onClick.openLink) {
      const href = safeUrl(onClick.openLink.url);
      if (!href) return h("span", { class: `${cls} unsafe-link`, title: "Link blocked: only http(s) links open" }, content);
      return h("a", { class: cls, href, target: "_blank", rel: "noopener noreferrer",
                      "aria-label": opts.ariaLabel || null, title: opts.title || null, dataset: opts.dataset }, content);
    }
    if (onClick && onClick.overflowMenu) {
      const items = onClick.overflowMenu.items || [];
      const menu = h("details", { class: "overflow" },
        h("summary", { class: cls, "aria-label": opts.ariaLabel || label || "More options" }, content),
        h("div", { class: "overflow-items", role: "menu" }, items.map((item) =>
          clickable(item.text, [icon(item.startIcon), item.text || ""], item.onClick, ctx,
                    { class: "overflow-item", disabled: item.disabled }))));
      return menu;
    }
    const action = onClick && (onClick.action || (onClick.openDynamicLinkAction && { ...onClick.openDynamicLinkAction }));
    const button = h("button", { type: "button", class: cls, disabled: opts.disabled || !action || null,
                                 "aria-label": opts.ariaLabel || null, title: opts.title || null,
                                 dataset: opts.dataset }, content);
    if (action) {
      button.addEventListener("click", () => ctx.onAction(action, { element: button }));
      if (action.function) button.dataset.function = action.function;
    } else if (onClick && onClick.card) {
      button.title = "Opens a card (add-on navigation; not rendered in the playground)";
    }
    return button;
  }

  function renderButton(spec, ctx) {
    const type = spec.type || (spec.color ? "FILLED" : "OUTLINED");
    const style = { FILLED: "btn-filled", FILLED_TONAL: "btn-tonal", OUTLINED: "btn-outlined", BORDERLESS: "btn-borderless" }[type] || "btn-outlined";
    const content = [icon(spec.icon), spec.text ? h("span", {}, spec.text) : null];
    const el = clickable(spec.text, content, spec.onClick, ctx, {
      class: `btn ${style}`, disabled: spec.disabled, ariaLabel: spec.text ? null : (spec.altText || "Button"),
      title: spec.altText || null });
    const bg = colorCss(spec.color);
    if (bg && type === "FILLED") { el.style.background = bg; el.style.borderColor = bg; }
    return el;
  }

  // -- form inputs --------------------------------------------------------------------------
  function fieldWrap(label, control, hint, id) {
    const hintId = hint ? `${id}-hint` : null;
    if (hintId) control.setAttribute("aria-describedby", hintId);
    return h("div", { class: "field" },
      label ? h("label", { for: id, class: "field-label" }, label) : null,
      control,
      hint ? h("div", { id: hintId, class: "field-hint" }, hint) : null);
  }

  function onChange(control, spec, ctx) {
    const action = spec.onChangeAction;
    if (action) control.addEventListener("change", () => ctx.onAction(action, { element: control, change: true }));
  }

  function renderTextInput(spec, ctx) {
    const id = nextId("in");
    const multi = spec.type === "MULTIPLE_LINE";
    const inputType = (spec.validation || {}).inputType;
    const type = { INTEGER: "number", FLOAT: "number", EMAIL: "email" }[inputType] || "text";
    const control = multi ? h("textarea", { id, rows: 3 }) : h("input", { id, type, step: inputType === "FLOAT" ? "any" : null });
    control.name = spec.name || "";
    control.value = spec.value || "";
    if (spec.placeholderText) control.placeholder = spec.placeholderText;
    const limit = Number((spec.validation || {}).characterLimit);
    if (limit > 0) control.maxLength = limit;
    control.dataset.inputName = spec.name || "";
    control.dataset.inputKind = "text";
    if (!spec.label && !spec.name) control.setAttribute("aria-label", "Text");
    let list = null;
    const suggestions = ((spec.initialSuggestions || {}).items || []).map((s) => s.text).filter(Boolean);
    if (suggestions.length && !multi) {
      list = h("datalist", { id: `${id}-list` }, suggestions.map((text) => h("option", { value: text })));
      control.setAttribute("list", list.id);
    }
    onChange(control, spec, ctx);
    const wrap = fieldWrap(spec.label || "", control, spec.hintText, id);
    if (list) wrap.append(list);
    wrap.dataset.widget = "textInput";
    return wrap;
  }

  function renderSelection(spec, ctx) {
    const type = spec.type || "CHECK_BOX";
    const items = spec.items || [];
    const name = spec.name || "";
    if (type === "DROPDOWN" || type === "MULTI_SELECT") {
      const id = nextId("sel");
      const control = h("select", { id, multiple: type === "MULTI_SELECT" || null },
        items.map((item) => h("option", { value: item.value ?? "", selected: item.selected || null }, item.text || item.value || "")));
      if (type === "DROPDOWN" && !items.some((item) => item.selected)) control.selectedIndex = items.length ? 0 : -1;
      control.dataset.inputName = name;
      control.dataset.inputKind = "select";
      if (!spec.label) control.setAttribute("aria-label", name || "Choose");
      onChange(control, spec, ctx);
      const wrap = fieldWrap(spec.label || "", control, null, id);
      wrap.dataset.widget = "selectionInput";
      return wrap;
    }
    const group = nextId("grp");
    const fieldset = h("fieldset", { class: `choices choices-${type.toLowerCase()}`, dataset: { widget: "selectionInput" } },
      spec.label ? h("legend", {}, spec.label) : h("legend", { class: "visually-hidden" }, name || "Options"),
      items.map((item) => {
        const input = h("input", {
          type: type === "RADIO_BUTTON" ? "radio" : "checkbox", name: `${group}`, value: item.value ?? "",
          role: type === "SWITCH" ? "switch" : null, dataset: { inputName: name, inputKind: "choice" } });
        input.checked = Boolean(item.selected);
        onChange(input, spec, ctx);
        return h("label", { class: `choice ${type === "SWITCH" ? "switch" : ""}` }, input,
          type === "SWITCH" ? h("span", { class: "switch-track", "aria-hidden": "true" }) : null,
          h("span", {}, item.text || item.value || ""),
          item.bottomText ? h("small", { class: "choice-bottom" }, item.bottomText) : null);
      }));
    return fieldset;
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function renderDateTime(spec, ctx) {
    const id = nextId("dt");
    const type = spec.type || "DATE_AND_TIME";
    const inputType = { DATE_ONLY: "date", TIME_ONLY: "time" }[type] || "datetime-local";
    const control = h("input", { id, type: inputType, dataset: { inputName: spec.name || "", inputKind: "datetime",
                                                                pickerType: type, offset: String(spec.timezoneOffsetDate || 0) } });
    if (spec.valueMsEpoch !== undefined && spec.valueMsEpoch !== null && spec.valueMsEpoch !== "") {
      // Shown in the picker's time zone: UTC shifted by timezoneOffsetDate minutes.
      const shifted = new Date(Number(spec.valueMsEpoch) + Number(spec.timezoneOffsetDate || 0) * 60000);
      const iso = shifted.toISOString();
      control.value = inputType === "date" ? iso.slice(0, 10) : inputType === "time" ? iso.slice(11, 16) : iso.slice(0, 16);
    }
    if (!spec.label) control.setAttribute("aria-label", spec.name || "Date and time");
    onChange(control, spec, ctx);
    const wrap = fieldWrap(spec.label || "", control, null, id);
    wrap.dataset.widget = "dateTimePicker";
    return wrap;
  }

  function renderSwitchControl(spec, ctx, labelText) {
    const control = h("input", { type: "checkbox", role: spec.controlType === "CHECKBOX" || spec.controlType === "CHECK_BOX" ? null : "switch",
                                 "aria-label": labelText || spec.name || "Switch",
                                 dataset: { inputName: spec.name || "", inputKind: "switch", value: spec.value ?? "true" } });
    control.checked = Boolean(spec.selected);
    onChange(control, spec, ctx);
    return h("label", { class: "switch end" }, control, h("span", { class: "switch-track", "aria-hidden": "true" }));
  }

  /** ``formInputs`` as the control plane takes them, read from the inputs under ``root``. */
  function collectInputs(root) {
    const inputs = {};
    const add = (name, value) => { (inputs[name] = inputs[name] || []).push(value); };
    for (const el of root.querySelectorAll("[data-input-name]")) {
      const name = el.dataset.inputName;
      if (!name) continue;
      const kind = el.dataset.inputKind;
      if (kind === "text") add(name, el.value);
      else if (kind === "select") { inputs[name] = inputs[name] || []; for (const o of el.selectedOptions) add(name, o.value); }
      else if (kind === "choice") { inputs[name] = inputs[name] || []; if (el.checked) add(name, el.value); }
      else if (kind === "switch") { if (el.checked) add(name, el.dataset.value || "true"); }
      else if (kind === "datetime") {
        if (!el.value) continue;
        const offset = Number(el.dataset.offset || 0) * 60000;
        const type = el.dataset.pickerType;
        if (type === "TIME_ONLY") {
          const [hours, minutes] = el.value.split(":").map(Number);
          inputs[name] = { timeInput: { hours, minutes } };
        } else if (type === "DATE_ONLY") {
          inputs[name] = { dateInput: { msSinceEpoch: String(Date.parse(`${el.value}T00:00:00Z`)) } };
        } else {
          inputs[name] = { dateTimeInput: { msSinceEpoch: String(Date.parse(`${el.value}:00Z`) - offset),
                                            hasDate: true, hasTime: true } };
        }
      }
    }
    // Chat leaves out a selection with nothing chosen.
    for (const [name, value] of Object.entries(inputs)) if (Array.isArray(value) && !value.length) delete inputs[name];
    return inputs;
  }

  // -- widgets ------------------------------------------------------------------------------
  const META_KEYS = new Set(["horizontalAlignment", "id", "visibility", "eventActions"]);

  function renderDecoratedText(spec, ctx) {
    const body = h("div", { class: "dt-body" },
      spec.topLabel ? h("div", { class: "dt-top" }, spec.topLabel) : null,
      h("div", { class: `dt-text ${spec.wrapText === false ? "nowrap" : ""}` }, sanitize(spec.text)),
      spec.bottomLabel ? h("div", { class: "dt-bottom" }, spec.bottomLabel) : null);
    let end = null;
    if (spec.button) end = renderButton(spec.button, ctx);
    else if (spec.switchControl) end = renderSwitchControl(spec.switchControl, ctx, spec.topLabel || (spec.text || "").replace(/<[^>]*>/g, ""));
    else if (spec.endIcon) end = icon(spec.endIcon, "end");
    const start = icon(spec.startIcon || spec.icon, "start");
    const main = spec.onClick ? clickable(null, body, spec.onClick, ctx, { class: "dt-click" }) : body;
    return h("div", { class: "w-decorated" }, start || h("span", { class: "icon start blank", "aria-hidden": "true" }), main, end);
  }

  function renderColumns(spec, ctx) {
    return h("div", { class: "w-columns" }, (spec.columnItems || []).map((column) =>
      h("div", { class: `column ${column.horizontalSizeStyle === "FILL_MINIMUM_SPACE" ? "min" : "fill"} v-${(column.verticalAlignment || "CENTER").toLowerCase()} h-${(column.horizontalAlignment || "START").toLowerCase()}` },
        (column.widgets || []).map((widget) => renderWidget(widget, ctx)))));
  }

  function renderImage(spec, ctx) {
    const src = safeUrl(spec.imageUrl);
    const img = src ? image(src, spec.altText, "w-image-img")
                    : h("span", { class: "placeholder" }, `Image not shown (not an http(s) URL)`);
    return spec.onClick ? clickable(spec.altText || "Image", img, spec.onClick, ctx, { class: "w-image-click", ariaLabel: spec.altText || "Image" })
                        : h("div", { class: "w-image" }, img);
  }

  function renderGrid(spec, ctx) {
    const columns = Math.max(1, Math.min(Number(spec.columnCount) || 2, 6));
    const grid = h("div", { class: `w-grid-items ${spec.borderStyle ? "bordered" : ""}` });
    grid.style.gridTemplateColumns = `repeat(${columns}, minmax(0, 1fr))`;
    for (const item of spec.items || []) {
      const imageSpec = item.image || {};
      const src = safeUrl(imageSpec.imageUri);
      const content = [
        src ? image(src, imageSpec.altText, `grid-img ${imageSpec.cropStyle && imageSpec.cropStyle.type === "CIRCLE" ? "circle" : ""}`) : null,
        item.title ? h("div", { class: "grid-title" }, item.title) : null,
        item.subtitle ? h("div", { class: "grid-subtitle" }, item.subtitle) : null,
      ];
      grid.append(spec.onClick ? clickable(item.title, content, spec.onClick, ctx, { class: "grid-item", dataset: { itemId: item.id || "" } })
                               : h("div", { class: "grid-item" }, content));
    }
    return h("div", { class: "w-grid" }, spec.title ? h("div", { class: "grid-heading" }, spec.title) : null, grid);
  }

  function renderChips(spec, ctx) {
    return h("div", { class: `w-chips ${spec.layout === "HORIZONTAL_SCROLLABLE" ? "scroll" : ""}` }, (spec.chips || []).map((chip) =>
      clickable(chip.label, [icon(chip.icon), chip.label || ""], chip.onClick, ctx,
                { class: "chip", disabled: chip.disabled || chip.enabled === false, ariaLabel: chip.label ? null : chip.altText })));
  }

  const WIDGETS = {
    textParagraph: (spec) => h("div", { class: "w-text" }, sanitize(spec.text)),
    decoratedText: renderDecoratedText,
    buttonList: (spec, ctx) => h("div", { class: "w-buttons" }, (spec.buttons || []).map((b) => renderButton(b, ctx))),
    divider: () => h("hr", { class: "w-divider" }),
    columns: renderColumns,
    image: renderImage,
    grid: renderGrid,
    chipList: renderChips,
    selectionInput: renderSelection,
    textInput: renderTextInput,
    dateTimePicker: renderDateTime,
  };

  function placeholder(what) {
    return h("div", { class: "placeholder", role: "note" }, `Not rendered by the playground: ${what}`);
  }

  function renderWidget(widget, ctx) {
    if (!widget || typeof widget !== "object") return placeholder("an empty widget");
    const keys = Object.keys(widget).filter((key) => !META_KEYS.has(key));
    const kind = keys.find((key) => WIDGETS[key]);
    let el;
    try {
      el = kind ? WIDGETS[kind](widget[kind] || {}, ctx) : placeholder(keys.length ? `widget “${keys.join(", ")}”` : "an empty widget");
    } catch (error) {
      el = placeholder(`${kind} (${error.message})`);
    }
    if (widget.horizontalAlignment) el.classList.add(`align-${widget.horizontalAlignment.toLowerCase()}`);
    if (kind) el.dataset.widget = el.dataset.widget || kind;
    el.classList.add("widget");
    return el;
  }

  function renderSection(section, ctx) {
    const widgets = (section.widgets || []).map((widget) => renderWidget(widget, ctx));
    const el = h("section", { class: "card-section" },
      section.header ? h("div", { class: "section-header" }, sanitize(section.header)) : null);
    const keep = Number(section.uncollapsibleWidgetsCount || 0);
    if (section.collapsible && widgets.length > keep) {
      const hiddenId = nextId("more");
      const rest = h("div", { class: "section-more", id: hiddenId, hidden: true }, widgets.slice(keep));
      const toggle = h("button", { type: "button", class: "btn btn-borderless section-toggle", "aria-expanded": "false", "aria-controls": hiddenId }, "Show more ▾");
      toggle.addEventListener("click", () => {
        const open = rest.hidden;
        rest.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "Show less ▴" : "Show more ▾";
      });
      el.append(...widgets.slice(0, keep), rest, toggle);
    } else {
      el.append(...widgets);
    }
    return el;
  }

  function renderHeader(header) {
    if (!header || typeof header !== "object") return null;
    const src = safeUrl(header.imageUrl);
    return h("header", { class: "card-header" },
      src ? image(src, header.imageAltText, `card-header-img ${header.imageType === "CIRCLE" ? "circle" : ""}`, { width: 40, height: 40 }) : null,
      h("div", { class: "card-header-text" },
        header.title ? h("div", { class: "card-title", role: "heading", "aria-level": "3" }, header.title) : null,
        header.subtitle ? h("div", { class: "card-subtitle" }, header.subtitle) : null));
  }

  // Chat's card limit (GoogleAppsCardV1Card): "If a section's widgets push the total count
  // above 100, that entire section and all following sections are ignored." The emulator
  // applies it to what it stores; the page applies it again to whatever it is given.
  const WIDGETS_PER_CARD = 100;

  /** The sections Chat shows: those before the one whose widgets take the count past 100. */
  function sectionsWithinLimit(sections) {
    const shown = [];
    let count = 0;
    for (const section of Array.isArray(sections) ? sections : []) {
      const widgets = section && Array.isArray(section.widgets) ? section.widgets.length : 0;
      count += widgets;
      if (count > WIDGETS_PER_CARD) break;
      shown.push(section);
    }
    return shown;
  }

  /** The DOM for one ``GoogleAppsCardV1Card``. ``ctx.onAction(action, info)`` receives clicks. */
  function renderCard(card, ctx) {
    const el = h("article", { class: "card", "aria-label": (card.header && card.header.title) || "Card" });
    const menu = (card.cardActions || []).length ? h("details", { class: "overflow card-menu" },
      h("summary", { class: "btn btn-borderless", "aria-label": "Card menu" }, "⋮"),
      h("div", { class: "overflow-items", role: "menu" }, card.cardActions.map((item) =>
        clickable(item.actionLabel, item.actionLabel || "", item.onClick, ctx, { class: "overflow-item" })))) : null;
    const header = renderHeader(card.header);
    if (header || menu) el.append(h("div", { class: "card-top" }, header, menu));
    const sections = sectionsWithinLimit(card.sections);
    sections.forEach((section, index) => {
      if (index && card.sectionDividerStyle !== "NO_DIVIDER") el.append(h("hr", { class: "section-divider" }));
      el.append(renderSection(section, ctx));
    });
    if (!header && !sections.length) el.append(placeholder("a card with no header and no sections"));
    if (card.fixedFooter) {
      const footer = card.fixedFooter;
      el.append(h("footer", { class: "card-footer" },
        footer.secondaryButton ? renderButton({ type: "OUTLINED", ...footer.secondaryButton }, ctx) : null,
        footer.primaryButton ? renderButton({ type: "FILLED", ...footer.primaryButton }, ctx) : null));
    }
    return el;
  }

  window.Cards = { h, sanitize, chatText, renderCard, renderWidget, collectInputs, safeUrl, icon, sectionsWithinLimit };
})();
