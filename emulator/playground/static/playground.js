/* The playground page: Chat on the left and middle, Meet on the right, all driven through
 * the emulator's control plane as the person chosen in "Act as".
 *
 * It polls GET /_emulator/playground/state every second and re-renders a region only when
 * what it shows changed, so focus, scroll position and half-typed input survive updates.
 */
(function () {
  "use strict";
  const { h, chatText, renderCard, collectInputs } = window.Cards;
  const POLL_MS = 1000;
  const SAMPLES_URL = "/_playground/static/transcripts.json";
  // Languages offered for lines typed by hand (any BCP-47 tag works in the control plane).
  const LANGUAGES = [["en-US", "English"], ["fr-FR", "French"], ["de-DE", "German"], ["es-ES", "Spanish"],
                     ["ja-JP", "Japanese"]];

  const S = {
    data: null,
    user: localStorage.getItem("playground.user") || null,
    space: localStorage.getItem("playground.space") || null,
    replyThread: null,
    reveal: null, // the message that answered this person's last click, to bring into view
    dialog: null, // {card, space, message, element, returnFocus}
    keys: {},
    pollTimer: null,
    looks: 0, // how many looks at the emulator's state began; only the latest one's answer is shown
    suggestionIndex: -1,
    dismissed: {}, // user -> the dialog body they closed here, until the server forgets it too
    endCall: null, // the open "End call" dialog: {meeting, element, errorBox, returnFocus}
    samples: null, // the sample meetings (transcripts.json), loaded on first use
    otherMeetingsOpen: false, // keep "Other meetings" open across re-renders
  };

  const $ = (id) => document.getElementById(id);

  // -- talking to the emulator -------------------------------------------------------------
  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = await response.json(); } catch (_) { /* empty body */ }
    if (!response.ok) {
      const message = (json && json.error && json.error.message) || `${method} ${path}: HTTP ${response.status}`;
      throw new Error(message);
    }
    return json;
  }

  async function act(what, promise) {
    try {
      return await promise;
    } catch (error) {
      toast(`${what}: ${error.message}`, "error");
      return undefined;
    } finally {
      refreshSoon();
    }
  }

  function refreshSoon() {
    clearTimeout(S.pollTimer);
    S.pollTimer = setTimeout(poll, 50);
  }

  async function poll() {
    clearTimeout(S.pollTimer);
    // An action asks for a fresh look (refreshSoon) while an earlier one may still be on
    // its way, and answers can arrive in either order: only the latest look's is shown, or
    // a state from before the action (a dialog just closed, a card before its edit) would
    // come back over the newer one.
    const look = ++S.looks;
    try {
      const query = S.space ? `?space=${encodeURIComponent(S.space)}` : "";
      const data = await api("GET", `/_emulator/playground/state${query}`);
      if (look !== S.looks) return;  // a newer look is under way: it shows what is current
      S.data = data;
      if (reconcileSelection()) { S.pollTimer = setTimeout(poll, 0); return; }
      render(look);
      document.body.dataset.connected = "true";
    } catch (error) {
      if (look !== S.looks) return;
      document.body.dataset.connected = "false";
    }
    S.pollTimer = setTimeout(poll, POLL_MS);
  }

  /** Keep the chosen user and space valid; true when the space changed (fetch its messages). */
  function reconcileSelection() {
    const { users, spaces } = S.data;
    if (!users.some((u) => u.name === S.user)) S.user = users.length ? users[0].name : null;
    const mine = spaces.filter((s) => s.members.includes(S.user));
    let changed = false;
    if (!mine.some((s) => s.name === S.space)) {
      const next = mine.length ? mine[0].name : null;
      changed = next !== S.space && next !== null;
      S.space = next;
    }
    if (S.user) localStorage.setItem("playground.user", S.user);
    if (S.space) localStorage.setItem("playground.space", S.space);
    return changed || (S.space && S.data.space !== S.space);
  }

  // -- helpers ------------------------------------------------------------------------------
  const userBy = (name) => (S.data ? S.data.users.find((u) => u.name === name || u.email === name) : null);
  const userName = (name) => { const u = userBy(name); return u ? u.displayName : name; };
  const me = () => userBy(S.user);

  function clock(iso, withDate) {
    if (!iso) return "";
    const d = new Date(iso);
    const time = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    return withDate ? `${d.toISOString().slice(0, 10)} ${time} UTC` : time;
  }

  /** Replace ``container``'s content only when ``key`` changed; keep focus and scroll. */
  function update(container, key, build, { stickToBottom = false } = {}) {
    if (S.keys[container.id] === key) return false;
    S.keys[container.id] = key;
    const focus = focusPath(container);
    const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
    const top = container.scrollTop;
    container.replaceChildren(...[build()].flat(Infinity).filter(Boolean));
    if (stickToBottom && nearBottom) container.scrollTop = container.scrollHeight;
    else container.scrollTop = top;
    restoreFocus(container, focus);
    return true;
  }

  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function focusPath(container) {
    const active = document.activeElement;
    if (!active || !container.contains(active) || active === container) return null;
    const scope = active.closest("[data-key]") || container;
    return { key: scope === container ? null : scope.dataset.key,
             index: Array.from(scope.querySelectorAll(FOCUSABLE)).indexOf(active) };
  }

  function restoreFocus(container, path) {
    if (!path) return;
    const scope = path.key ? container.querySelector(`[data-key="${CSS.escape(path.key)}"]`) : container;
    const target = scope && scope.querySelectorAll(FOCUSABLE)[path.index];
    if (target) target.focus({ preventScroll: true });
  }

  /** A short note above the composer (in the page's flow, so it never covers a control).
   *  Notes belong to the person who caused them: switching person clears them
   *  (``clearToasts``), and a late answer to someone else's action shows none. */
  function toast(text, kind, forUser) {
    if (forUser !== undefined && forUser !== S.user) return;
    const el = h("div", { class: `toast ${kind || ""}` }, h("span", {}, text),
      h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", onclick: () => el.remove() }, "✕"));
    $("toasts").append(el);
    setTimeout(() => el.remove(), kind === "error" ? 9000 : 4000);
  }

  function clearToasts() { $("toasts").replaceChildren(); }

  // -- rendering ----------------------------------------------------------------------------
  /** ``look``: the look whose answer is shown (a look starts when its request is sent). */
  function render(look) {
    const { data } = S;
    $("clock").textContent = clock(data.now, true);
    renderUsers();
    renderSpaces();
    renderChat();
    renderMeetings();
    renderEndPreview();
    maybeOpenServerDialog(look);
    document.body.dataset.viewer = S.user || "";  // what the page currently shows (tests wait on it)
  }

  function renderUsers() {
    const select = $("user-switch");
    const key = JSON.stringify(S.data.users) + S.user;
    if (S.keys.users === key) return;
    S.keys.users = key;
    select.replaceChildren(...S.data.users.map((u) =>
      h("option", { value: u.name, selected: u.name === S.user || null }, `${u.displayName} <${u.email}>`)));
    select.value = S.user || "";
    const members = $("new-space-members");
    const legend = members.querySelector("legend");
    members.replaceChildren(legend, ...S.data.users.map((u) =>
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "member", value: u.name,
                                                 checked: u.name === S.user || null }), u.displayName)));
  }

  function renderSpaces() {
    const mine = S.data.spaces.filter((s) => s.members.includes(S.user));
    update($("space-list"), JSON.stringify([mine, S.space]), () => mine.length ? mine.map((space) => {
      const label = space.spaceType === "DIRECT_MESSAGE" ? "Direct message with the app" : (space.displayName || space.name);
      return h("li", {}, h("button", {
        type: "button", class: "space-item", "aria-current": space.name === S.space ? "true" : null,
        onclick: () => selectSpace(space.name), dataset: { space: space.name } },
        h("span", { class: "space-avatar", "aria-hidden": "true" }, label.slice(0, 1).toUpperCase()),
        h("span", { class: "space-name" }, label),
        space.appInstalled ? null : h("span", { class: "badge" }, "no app")));
    }) : h("li", { class: "empty" }, "You are in no space yet."));
  }

  function selectSpace(name) {
    if (name === S.space) return;
    S.space = name;
    S.replyThread = null;
    $("reply-to").hidden = true;
    localStorage.setItem("playground.space", name);
    refreshSoon();
  }

  function visibleMessages() {
    return S.data.messages.filter((m) => !m.deleteTime &&
      (!m.privateMessageViewer || m.privateMessageViewer.name === S.user));
  }

  function renderChat() {
    const space = S.data.spaces.find((s) => s.name === S.space);
    $("space-title").textContent = space ? (space.displayName || "Direct message") : "No space";
    $("space-members").textContent = space ? space.members.map(userName).join(", ") : "";
    $("composer-input").disabled = !space;
    $("send").disabled = !space;
    const messages = S.data.space === S.space ? visibleMessages() : [];
    update($("messages"), JSON.stringify([messages, S.user, S.space]), () => {
      if (!space) return h("p", { class: "empty" }, "Choose or create a space.");
      if (!messages.length) return h("p", { class: "empty" }, "No messages yet. Type /meet to start a meeting.");
      const threads = new Map();
      for (const message of messages) {
        const key = (message.thread && message.thread.name) || message.name;
        if (!threads.has(key)) threads.set(key, []);
        threads.get(key).push(message);
      }
      return Array.from(threads, ([thread, list]) => renderThread(thread, list));
    }, { stickToBottom: true });
    revealAnswer();
  }

  /** Scroll the app's answer to the last click into view, once it is on the page. */
  function revealAnswer() {
    if (!S.reveal) return;
    const shown = $("messages").querySelector(`[data-message="${CSS.escape(S.reveal)}"]`);
    if (!shown) return;
    S.reveal = null;
    shown.scrollIntoView({ block: "nearest" });
    shown.classList.add("just-answered");
    setTimeout(() => shown.classList.remove("just-answered"), 2000);
  }

  function renderThread(thread, list) {
    const [first, ...replies] = list;
    return h("div", { class: "thread", dataset: { thread } },
      renderMessage(first),
      replies.length ? h("div", { class: "replies", role: "group", "aria-label": `${replies.length} ${replies.length === 1 ? "reply" : "replies"}` },
        replies.map(renderMessage)) : null,
      h("button", { type: "button", class: "btn btn-borderless reply-btn", onclick: () => replyIn(thread),
                    "aria-label": `Reply in the thread of ${first.sender.displayName || "this message"}` }, "↳ Reply in thread"));
  }

  function replyIn(thread) {
    S.replyThread = thread;
    $("reply-to").hidden = false;
    $("composer-input").focus();
  }

  function renderMessage(message) {
    const bot = message.sender.type === "BOT";
    const name = bot ? (message.sender.displayName || S.data.app.displayName) : userName(message.sender.name);
    const prompt = message.actionResponse && message.actionResponse.type === "REQUEST_CONFIG";
    const body = h("div", { class: "msg-body" });
    if (prompt) body.append(renderConfigPrompt(message));
    else if (message.text) body.append(h("div", { class: "msg-text" }, chatText(message.text, userName)));
    for (const entry of message.cardsV2 || []) {
      body.append(renderCard(entry.card || {}, cardContext(message, entry)));
    }
    if ((message.cards || []).length) body.append(h("div", { class: "placeholder" }, "Not rendered by the playground: legacy Cards v1 (message.cards)"));
    for (const widget of message.accessoryWidgets || []) body.append(window.Cards.renderWidget(widget, cardContext(message, null)));
    if (!prompt && !message.text && !(message.cardsV2 || []).length && !(message.cards || []).length) {
      body.append(h("div", { class: "placeholder" }, "An empty message"));
    }
    return h("div", { class: `msg ${bot ? "from-app" : ""} ${message.privateMessageViewer ? "private" : ""}`,
                      dataset: { key: message.name, message: message.name } },
      h("div", { class: `avatar ${bot ? "app" : ""}`, "aria-hidden": "true" }, bot ? "M" : name.slice(0, 1).toUpperCase()),
      h("div", { class: "msg-main" },
        h("div", { class: "msg-meta" },
          h("span", { class: "msg-sender" }, name),
          bot ? h("span", { class: "badge" }, "App") : null,
          h("time", { datetime: message.createTime }, clock(message.createTime)),
          message.lastUpdateTime ? h("span", { class: "edited", title: `Edited ${clock(message.lastUpdateTime, true)}` }, "edited") : null,
          message.privateMessageViewer ? h("span", { class: "badge private-badge" }, "Only visible to you") : null),
        body));
  }

  function renderConfigPrompt(message) {
    const url = window.Cards.safeUrl(message.actionResponse.url);
    return h("div", { class: "config-prompt", role: "group", "aria-label": "Configuration request" },
      h("p", {}, h("b", {}, `${S.data.app.displayName} needs your permission to respond.`),
        " Link your Google account, then your message goes through."),
      url ? h("button", { type: "button", class: "btn btn-filled", dataset: { configure: url },
                          onclick: () => openConfigure(url) }, "Configure")
          : h("span", { class: "placeholder" }, "No usable configuration link"));
  }

  /** Open the authorization URL in a window, as Chat does, and close it once it lands on
   *  Chat's configCompleteRedirectUrl (the emulator, this origin). */
  function openConfigure(url) {
    const popup = window.open(url, "playground-configure", "popup,width=560,height=700");
    if (!popup) { window.location.assign(url); return; }
    const watch = setInterval(() => {
      let done = popup.closed;
      try {
        if (!done && popup.location.origin === window.location.origin &&
            popup.location.pathname === "/_emulator/chat/config-complete" && popup.document.readyState === "complete") {
          done = true;
          popup.close();
          toast("Account linked. Your message was sent again.");
        }
      } catch (_) { /* another origin: still on the consent page or the app */ }
      if (done) { clearInterval(watch); refreshSoon(); }
    }, 300);
  }

  function cardContext(message, entry) {
    return {
      onAction: (action, info) => clickCardAction(message, action, info),
      cardId: entry && entry.cardId,
    };
  }

  function parameters(action) {
    const out = {};
    for (const p of action.parameters || []) if (p && p.key) out[p.key] = p.value ?? "";
    return out;
  }

  async function clickCardAction(message, action, info) {
    if (!action.function) { toast("This button has no function to invoke", "error"); return; }
    const card = info && info.element ? info.element.closest(".msg") : null;
    const button = info && info.element;
    if (button && !info.change) button.setAttribute("aria-busy", "true");
    const user = S.user;
    const reply = await act("Click", api("POST", "/_emulator/chat/clicks", {
      message: message.name, user, function: action.function, parameters: parameters(action),
      formInputs: card ? collectInputs(card) : {},
    }));
    if (button) button.removeAttribute("aria-busy");
    handleReply(reply, { message: message.name, space: S.space, user });
  }

  /** What Chat shows for an app's answer, beyond the messages that appear in the space.
   *  An answer that is a message (a refusal or a note, private to the clicker, or a
   *  public reply) is brought into view where it lands, in its thread. */
  function handleReply(reply, origin) {
    if (!reply) return;
    if (origin.user !== undefined && origin.user !== S.user) return;  // answered after a switch of person
    if (reply.error) {
      const text = reply.error.message || "The app could not answer.";
      if (S.dialog) showDialogError(text); else toast(text, "error");
      return;
    }
    if (reply.name && reply.space && reply.space.name === S.space) { S.reveal = reply.name; refreshSoon(); }
    const response = reply.actionResponse || {};
    if (response.type === "DIALOG") {
      const dialogAction = response.dialogAction || {};
      if (dialogAction.dialog && dialogAction.dialog.body) {
        openDialog({ card: dialogAction.dialog.body, space: origin.space, message: origin.message || null });
      } else {
        const status = dialogAction.actionStatus || {};
        const code = status.statusCode || "OK";
        if (code === "OK") {
          closeDialog();
          if (status.userFacingMessage) toast(status.userFacingMessage);
        } else {
          showDialogError(status.userFacingMessage || `The app refused: ${code}`, true);
        }
      }
    } else if (S.dialog && (reply.name || reply.text || reply.cardsV2)) {
      closeDialog(); // a message answer closes the dialog
    }
    if (response.type === "REQUEST_CONFIG") toast(`${S.data.app.displayName} needs your permission: see the message only you can see.`);
    const note = reply.notification || (response.dialogAction && response.dialogAction.notification);
    if (note && note.text) toast(note.text);
  }

  // -- dialogs ------------------------------------------------------------------------------
  function maybeOpenServerDialog(look) {
    const open = S.data.dialogs.find((d) => d.user === S.user);
    if (S.dialog && !open && S.dialog.user === S.user && look !== undefined && look > S.dialog.openedLook) {
      // Chat holds the app's dialogs: one it no longer has open (cancelled, answered, closed
      // by the app) is closed here too, whatever brought it back on screen.
      closeDialog({ keepFocus: true });
    }
    if (S.dialog || S.endCall) return;  // one modal at a time: the app's dialog waits for the End call one
    if (!open) { delete S.dismissed[S.user]; return; }
    if (S.dismissed[S.user] === JSON.stringify(open.body)) return;  // closed here; the server hears it soon
    openDialog({ card: open.body, space: open.space, message: open.message });
  }

  function openDialog({ card, space, message }) {
    const returnFocus = S.dialog ? S.dialog.returnFocus : document.activeElement;
    closeDialog({ keepFocus: true });
    const ctx = { onAction: (action, info) => submitDialog(action, info) };
    const title = (card.header && card.header.title) || "Dialog";
    const titleId = "dialog-title";
    const errorBox = h("div", { class: "dialog-error", role: "alert", hidden: true });
    const cardEl = renderCard({ ...card, header: card.header ? { ...card.header, title: undefined } : undefined }, ctx);
    const panel = h("div", { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId },
      h("div", { class: "dialog-head" },
        h("h2", { id: titleId, class: "dialog-title" }, title),
        h("button", { type: "button", class: "btn btn-borderless dialog-close", "aria-label": "Close dialog",
                      onclick: () => cancelDialog() }, "✕")),
      errorBox,
      h("div", { class: "dialog-body" }, cardEl));
    const footer = cardEl.querySelector(":scope > .card-footer");
    if (footer) panel.append(footer);  // Chat keeps a dialog's fixed footer in view
    const backdrop = h("div", { class: "dialog-backdrop" }, panel);
    backdrop.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); cancelDialog(); }
      if (event.key === "Tab") trapFocus(panel, event);
    });
    $("dialog-root").replaceChildren(backdrop);
    S.dialog = { card, space, message, user: S.user, element: panel, errorBox, returnFocus, key: JSON.stringify(card),
                 openedLook: S.looks };  // a look started after this one sees it on the server
    const first = panel.querySelector(".dialog-body input, .dialog-body select, .dialog-body textarea") || panel.querySelector(FOCUSABLE);
    if (first) first.focus();
  }

  function trapFocus(panel, event) {
    const items = Array.from(panel.querySelectorAll(FOCUSABLE)).filter((el) => !el.disabled && el.offsetParent !== null);
    if (!items.length) return;
    const [first, last] = [items[0], items[items.length - 1]];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  function showDialogError(text) {
    if (!S.dialog) { toast(text, "error"); return; }
    S.dialog.errorBox.textContent = text;
    S.dialog.errorBox.hidden = false;
  }

  function closeDialog(options) {
    if (!S.dialog) return;
    const { returnFocus, key, user } = S.dialog;
    S.dismissed[user] = key;
    S.dialog = null;
    $("dialog-root").replaceChildren();
    if (!(options && options.keepFocus) && returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function dialogOrigin() {
    const d = S.dialog;
    return d.message ? { message: d.message } : { space: d.space };
  }

  async function submitDialog(action, info) {
    if (!S.dialog) return;
    if (!action.function) { showDialogError("This button has no function to invoke"); return; }
    const button = info && info.element;
    if (button) button.setAttribute("aria-busy", "true");
    S.dialog.errorBox.hidden = true;
    const origin = { space: S.dialog.space, message: S.dialog.message };
    let reply;
    try {
      reply = await api("POST", "/_emulator/chat/dialogs", {
        user: S.user, ...dialogOrigin(), function: action.function, parameters: parameters(action),
        formInputs: collectInputs(S.dialog.element),
      });
    } catch (error) {
      showDialogError(error.message);
      return;
    } finally {
      if (button) button.removeAttribute("aria-busy");
      refreshSoon();
    }
    if (reply === null || reply === undefined) { closeDialog(); return; } // "{}": nothing to show, Chat closes
    handleReply(reply, origin);
  }

  async function cancelDialog() {
    if (!S.dialog) return;
    const origin = dialogOrigin();
    closeDialog();
    await act("Close dialog", api("POST", "/_emulator/chat/dialogs", { user: S.user, cancel: true, ...origin }));
  }

  // -- composer -----------------------------------------------------------------------------
  function suggestionsFor(value) {
    const input = $("composer-input");
    const caret = input.selectionStart ?? value.length;
    const before = value.slice(0, caret);
    const command = /^\/(\w*)$/.exec(before);
    if (command) {
      return S.data.commands.filter((c) => c.name.startsWith(command[1].toLowerCase()))
        .map((c) => ({ label: `/${c.name}`, hint: c.hint, replace: [0, caret], insert: `/${c.name} ` }));
    }
    const mention = /(^|\s)@([\w.-]*)$/.exec(before);
    if (mention) {
      const space = S.data.spaces.find((s) => s.name === S.space);
      const start = caret - mention[2].length - 1;
      const wanted = mention[2].toLowerCase();
      return (space ? space.members : []).map(userBy).filter((u) => u && u.name !== S.user &&
        (u.displayName.toLowerCase().startsWith(wanted) || u.email.startsWith(wanted)))
        .map((u) => ({ label: `@${u.displayName}`, hint: u.email, replace: [start, caret], insert: `@${u.displayName} ` }));
    }
    return [];
  }

  function showSuggestions() {
    if (!S.data) return;
    const input = $("composer-input");
    const list = $("suggestions");
    const items = suggestionsFor(input.value);
    S.suggestions = items;
    if (!items.length) { hideSuggestions(); return; }
    S.suggestionIndex = Math.min(Math.max(S.suggestionIndex, 0), items.length - 1);
    list.replaceChildren(...items.map((item, index) => h("li", {
      id: `suggestion-${index}`, role: "option", class: "suggestion", "aria-selected": String(index === S.suggestionIndex),
      onmousedown: (event) => { event.preventDefault(); accept(index); } },
      h("span", { class: "suggestion-label" }, item.label), item.hint ? h("span", { class: "suggestion-hint" }, item.hint) : null)));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-activedescendant", `suggestion-${S.suggestionIndex}`);
  }

  function hideSuggestions() {
    $("suggestions").hidden = true;
    $("composer-input").setAttribute("aria-expanded", "false");
    $("composer-input").removeAttribute("aria-activedescendant");
    S.suggestions = [];
    S.suggestionIndex = -1;
  }

  function accept(index) {
    const item = S.suggestions[index];
    if (!item) return;
    const input = $("composer-input");
    const [start, end] = item.replace;
    input.value = input.value.slice(0, start) + item.insert + input.value.slice(end);
    const caret = start + item.insert.length;
    input.setSelectionRange(caret, caret);
    hideSuggestions();
    input.focus();
  }

  function composerKeys(event) {
    const open = !$("suggestions").hidden && S.suggestions.length;
    if (!open) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      S.suggestionIndex = (S.suggestionIndex + step + S.suggestions.length) % S.suggestions.length;
      showSuggestions();
    } else if (event.key === "Tab" || (event.key === "Enter" && S.suggestionIndex >= 0 &&
               S.suggestions[S.suggestionIndex].insert.trim() !== event.target.value.trim())) {
      event.preventDefault();
      accept(S.suggestionIndex);
    } else if (event.key === "Escape") {
      event.preventDefault();
      hideSuggestions();
    }
  }

  async function send(event) {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text || !S.space) return;
    hideSuggestions();
    input.value = "";
    const body = { space: S.space, sender: S.user, text };
    if (S.replyThread) body.thread = S.replyThread;
    $("send").setAttribute("aria-busy", "true");
    const answer = await act("Send", api("POST", "/_emulator/chat/messages", body));
    $("send").removeAttribute("aria-busy");
    if (answer === undefined) { input.value = text; return; }
    handleReply(answer.reply, { message: answer.message && answer.message.name, space: S.space });
  }

  // -- Meet ---------------------------------------------------------------------------------
  const KIND_WORDS = { signedinUser: "", anonymousUser: "guest", phoneUser: "phone" };

  function renderMeetings() {
    const meetings = S.data.meetings;
    const here = meetings.filter((m) => m.chatSpace === S.space);
    const elsewhere = meetings.filter((m) => m.chatSpace !== S.space);
    update($("meetings"), JSON.stringify([meetings, S.user, S.space]), () => {
      if (!meetings.length) return h("p", { class: "empty" }, "No meetings yet. Type /meet in a space to create one.");
      return [
        here.length ? here.map(renderMeeting) : h("p", { class: "empty" }, "No meeting from this space yet."),
        elsewhere.length ? h("details", { class: "other-meetings", open: S.otherMeetingsOpen || null,
                                          ontoggle: (event) => { S.otherMeetingsOpen = event.target.open; } },
          h("summary", {}, `Other meetings (${elsewhere.length})`), elsewhere.map(renderMeeting)) : null,
      ];
    });
  }

  function renderMeeting(meeting) {
    const mine = meeting.inCall.find((p) => p.user === S.user);
    const status = meeting.active ? `In progress · ${meeting.inCall.length} in the call`
      : meeting.latest ? `Ended ${clock(meeting.latest.endTime)}` : "Waiting for people to join";
    const title = meeting.title || meeting.meetingCode;
    const space = { space: meeting.name };
    const artifacts = meeting.latest ? Object.entries(meeting.latest.artifacts).filter(([, states]) => states.length) : [];
    return h("section", { class: "meeting", "aria-label": `Meeting ${title}`, dataset: { key: meeting.name, meeting: meeting.meetingCode } },
      h("h3", { class: "meeting-title" }, title),
      h("div", { class: "meeting-meta" }, h("code", {}, meeting.meetingCode), " · ",
        h("span", { class: `status ${meeting.active ? "live" : ""}` }, status)),
      meeting.inCall.length ? h("ul", { class: "in-call", "aria-label": "In the call" }, meeting.inCall.map((p) =>
        h("li", {}, h("span", {}, p.displayName), KIND_WORDS[p.kind] ? h("span", { class: "badge" }, KIND_WORDS[p.kind]) : null,
          h("button", { type: "button", class: "btn btn-borderless small", "aria-label": `${p.displayName} leaves`,
                        onclick: () => act("Leave", api("POST", "/_emulator/meet/leave", { ...space, participant: p.participant })) }, "Leave")))) : null,
      h("div", { class: "meeting-actions", role: "group", "aria-label": `Join or leave ${title}` },
        mine ? h("button", { type: "button", class: "btn btn-outlined", onclick: () => act("Leave", api("POST", "/_emulator/meet/leave", { ...space, user: S.user })) },
                 `Leave as ${me() ? me().displayName.split(" ")[0] : "me"}`)
             : h("button", { type: "button", class: "btn btn-filled", onclick: () => act("Join", api("POST", "/_emulator/meet/join", { ...space, user: S.user })) },
                 `Join as ${me() ? me().displayName.split(" ")[0] : "me"}`),
        h("button", { type: "button", class: "btn btn-outlined", onclick: () => act("Join", api("POST", "/_emulator/meet/join", { ...space, anonymous: true })) }, "Join as guest"),
        h("button", { type: "button", class: "btn btn-outlined", onclick: () => act("Join", api("POST", "/_emulator/meet/join", { ...space, phone: true })) }, "Join by phone"),
        h("button", { type: "button", class: "btn btn-danger end-call", disabled: !meeting.active || null,
                      "aria-haspopup": "dialog", onclick: () => openEndCall(meeting.name),
                      title: "End the conference: pick a sample meeting or type what was said, recording and smart notes" }, "End call")),
      artifacts.length ? h("ul", { class: "artifacts", "aria-label": "Artifacts of the last conference" }, artifacts.map(([kind, states]) =>
        h("li", {}, `${{ recordings: "Recording", transcripts: "Transcript", smartNotes: "Smart notes" }[kind] || kind}: `,
          h("span", { class: `artifact-state ${states.every((s) => s === "FILE_GENERATED") ? "ready" : ""}` }, states.join(", "))))) : null);
  }

  // -- ending a call: what Meet transcribes ---------------------------------------------------
  /* "End call" opens a small dialog: a sample meeting (transcripts.json) spoken by the people
   * in the call, or lines typed as "Name: text", plus recording and smart notes. The lines go
   * to POST /_emulator/meet/end as the conference's transcript; advancing the clock then lets
   * Meet finish the files and the app read them. */
  const meetingByName = (name) => S.data && S.data.meetings.find((m) => m.name === name);
  // What the others call a speaker: a signed-in person's first name, a guest's or caller's whole label.
  const firstName = (speaker) => speaker.signedIn ? speaker.displayName.split(/\s+/)[0] : speaker.displayName;

  /** The people in the call, in the order they joined: who speaks the sample's lines. */
  function speakersOf(meeting) {
    return (meeting ? meeting.inCall : []).map((p) => ({
      displayName: p.displayName, email: (userBy(p.user) || {}).email || null,
      spec: p.kind === "signedinUser" ? { user: p.user } : { participant: p.participant },
      signedIn: p.kind === "signedinUser",
      isMe: p.kind === "signedinUser" && p.user === S.user,
    }));
  }

  /** A sample's lines with its speakers mapped round-robin onto the people in the call. */
  function sampleLines(sample, speakers) {
    const at = (index) => speakers[index % speakers.length];
    return sample.lines.map((line) => ({
      speaker: at(line.speaker),
      text: line.text.replace(/\{(\d+)\}/g, (_, index) => firstName(at(Number(index)))),
      languageCode: sample.languageCode,
    }));
  }

  /** "Name: text" lines; a name nobody in the call has keeps the whole line, said by me (or the first person). */
  function typedLines(text, speakers, languageCode) {
    const fallback = speakers.find((s) => s.isMe) || speakers[0];
    const named = (name) => {
      const wanted = name.trim().toLowerCase();
      return speakers.find((s) => [s.displayName, firstName(s), s.email, s.email && s.email.split("@")[0]]
        .some((candidate) => candidate && candidate.toLowerCase() === wanted));
    };
    return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
      const match = /^([^:]{1,80}):\s*(.+)$/.exec(line);
      const who = match && named(match[1]);
      return who ? { speaker: who, text: match[2].trim(), languageCode }
                 : { speaker: fallback, text: line, languageCode, guessed: true };
    });
  }

  async function loadSamples() {
    if (!S.samples) S.samples = (await api("GET", SAMPLES_URL)).samples;
    return S.samples;
  }

  async function openEndCall(meetingName) {
    const returnFocus = document.activeElement;
    let samples;
    try {
      samples = await loadSamples();
    } catch (error) {
      toast(`End call: the sample meetings could not be loaded (${error.message})`, "error");
      return;
    }
    closeEndCall({ keepFocus: true });
    const meeting = meetingByName(meetingName);
    if (!meeting || !meeting.active) { toast("End call: this meeting has no call in progress", "error"); return; }
    const title = meeting.title || meeting.meetingCode;
    const choice = (value, label, hint, checked) => h("label", { class: "choice end-choice" },
      h("input", { type: "radio", name: "transcript", value, checked: checked || null }),
      h("span", {}, h("span", { class: "end-choice-title" }, label), hint ? h("span", { class: "choice-bottom" }, hint) : null));
    const own = h("div", { class: "end-own", hidden: true },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "What was said, one line each"),
        h("textarea", { name: "lines", rows: 5, spellcheck: "true",
                        placeholder: "Alice: I'll send the slides by Friday.\nBob: Thanks, I'll review them on Monday." }),
        h("span", { class: "field-hint" }, "Start a line with the name of someone in the call and a colon; other lines are yours.")),
      h("label", { class: "field end-language" }, h("span", { class: "field-label" }, "Language"),
        h("select", { name: "languageCode" }, LANGUAGES.map(([code, name]) => h("option", { value: code }, `${name} (${code})`)))));
    const preview = h("ol", { class: "end-preview", "aria-label": "Transcript preview" });
    const previewNote = h("p", { class: "field-hint end-preview-note" });
    const errorBox = h("div", { class: "dialog-error", role: "alert", hidden: true });
    const form = h("form", { class: "end-form", novalidate: true },
      h("p", { class: "end-who" }, "Spoken by the people in the call: ",
        h("span", { class: "end-speakers" }, speakersOf(meeting).map((s) => s.displayName).join(", "))),
      h("fieldset", { class: "choices" }, h("legend", {}, "Transcript"),
        samples.map((sample, index) => choice(`sample:${sample.id}`, sample.title, sample.description, index === 0)),
        choice("own", "Type your own", "Lines as Name: text"),
        choice("none", "No transcript", null)),
      own,
      h("div", { class: "end-preview-box" }, h("div", { class: "field-label" }, "Meet will transcribe"), preview, previewNote),
      h("fieldset", { class: "choices" }, h("legend", {}, "Also"),
        h("label", { class: "choice" }, h("input", { type: "checkbox", name: "recording", checked: true }), "Recording"),
        h("label", { class: "choice" }, h("input", { type: "checkbox", name: "smartNotes", checked: true }), "Smart notes")));
    const submit = h("button", { type: "submit", class: "btn btn-filled", form: "end-call-form" }, "End the call");
    form.id = "end-call-form";
    const panel = h("div", { class: "dialog end-dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "end-call-title" },
      h("div", { class: "dialog-head" },
        h("h2", { id: "end-call-title", class: "dialog-title" }, `End the call · ${title}`),
        h("button", { type: "button", class: "btn btn-borderless dialog-close", "aria-label": "Close dialog",
                      onclick: () => closeEndCall() }, "✕")),
      errorBox,
      h("div", { class: "dialog-body end-body" }, form),
      h("div", { class: "card-footer" },
        h("button", { type: "button", class: "btn btn-outlined", onclick: () => closeEndCall() }, "Cancel"), submit));
    const backdrop = h("div", { class: "dialog-backdrop" }, panel);
    backdrop.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closeEndCall(); }
      if (event.key === "Tab") trapFocus(panel, event);
    });
    S.endCall = { meeting: meetingName, element: panel, form, errorBox, preview, previewNote, own, samples, returnFocus };
    form.addEventListener("input", () => { own.hidden = form.transcript.value !== "own"; renderEndPreview(); });
    form.addEventListener("change", (event) => {
      if (event.target.name === "transcript" && event.target.value === "own") form.lines.focus();
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); endCall(submit); });
    $("end-call-root").replaceChildren(backdrop);
    renderEndPreview();
    form.querySelector("input[name=transcript]:checked").focus();
  }

  /** The transcript lines the dialog would send now (the people in the call may have changed). */
  function chosenLines() {
    const { form, samples, meeting } = S.endCall;
    const speakers = speakersOf(meetingByName(meeting));
    const chosen = form.transcript.value;
    if (chosen === "none" || !speakers.length) return { lines: null, speakers };
    if (chosen === "own") return { lines: typedLines(form.lines.value, speakers, form.languageCode.value), speakers };
    const sample = samples.find((item) => `sample:${item.id}` === chosen);
    return { lines: sample ? sampleLines(sample, speakers) : null, speakers };
  }

  function renderEndPreview() {
    if (!S.endCall) return;
    const { preview, previewNote, element } = S.endCall;
    const { lines, speakers } = chosenLines();
    const key = JSON.stringify([lines && lines.map((l) => [l.speaker.displayName, l.text]), speakers.map((s) => s.displayName)]);
    if (S.endCall.previewKey === key) return;  // polled every second: redraw only on a change
    S.endCall.previewKey = key;
    element.querySelector(".end-speakers").textContent = speakers.map((s) => s.displayName).join(", ") || "nobody";
    preview.replaceChildren(...(lines || []).map((line) => h("li", { lang: line.languageCode, class: line.guessed ? "guessed" : null },
      h("span", { class: "end-preview-who" }, `${line.speaker.displayName}: `), line.text)));
    const guessed = (lines || []).filter((line) => line.guessed).length;
    previewNote.textContent = lines === null ? "No transcript: the summary will have no next steps."
      : !lines.length ? "Type at least one line."
      : guessed ? `${guessed} line${guessed === 1 ? "" : "s"} without a known name: said by ${lines.find((l) => l.guessed).speaker.displayName}.`
      : "";
  }

  async function endCall(button) {
    const { form, errorBox, meeting } = S.endCall;
    const { lines } = chosenLines();
    if (lines && !lines.length) { errorBox.textContent = "Type at least one line, or choose No transcript."; errorBox.hidden = false; return; }
    const body = { space: meeting, recording: form.recording.checked, smartNotes: form.smartNotes.checked };
    if (lines) body.transcript = lines.map((line) => ({ ...line.speaker.spec, text: line.text, languageCode: line.languageCode }));
    button.setAttribute("aria-busy", "true");
    errorBox.hidden = true;
    try {
      await api("POST", "/_emulator/meet/end", body);
    } catch (error) {
      errorBox.textContent = error.message;
      errorBox.hidden = false;
      return;
    } finally {
      button.removeAttribute("aria-busy");
      refreshSoon();
    }
    closeEndCall();
    toast(lines ? "Call ended. Advance the clock (+10 min) and Meet finishes the transcript and files."
                : "Call ended. Advance the clock (+10 min) and Meet finishes the files.");
  }

  function closeEndCall(options) {
    if (!S.endCall) return;
    const { returnFocus, meeting } = S.endCall;
    S.endCall = null;
    $("end-call-root").replaceChildren();
    if (options && options.keepFocus) return;
    // The panel may have been redrawn meanwhile: go back to this meeting's End call button if it is still there.
    const section = document.querySelector(`section.meeting[data-key="${CSS.escape(meeting)}"]`);
    const target = (returnFocus && document.contains(returnFocus)) ? returnFocus : section && section.querySelector(".end-call");
    if (target) target.focus();
  }

  // -- wiring -------------------------------------------------------------------------------
  function start() {
    $("user-switch").addEventListener("change", (event) => {
      S.user = event.target.value;
      localStorage.setItem("playground.user", S.user);
      if (S.dialog && S.dialog.user !== S.user) closeDialog({ keepFocus: true });  // it stays open for its owner
      clearToasts();  // the last person's notes are not this one's
      S.reveal = null;
      S.keys = {};
      if (S.data) { reconcileSelection(); render(); }  // at once: the data is everyone's, only the view differs
      refreshSoon();
    });
    $("composer").addEventListener("submit", send);
    const input = $("composer-input");
    input.addEventListener("input", () => { S.suggestionIndex = 0; showSuggestions(); });
    input.addEventListener("keydown", composerKeys);
    input.addEventListener("blur", () => setTimeout(hideSuggestions, 100));
    $("reply-cancel").addEventListener("click", () => { S.replyThread = null; $("reply-to").hidden = true; input.focus(); });
    for (const button of document.querySelectorAll("[data-advance]")) {
      button.addEventListener("click", async () => {
        const seconds = Number(button.dataset.advance);
        const result = await act("Clock", api("POST", "/_emulator/clock", { advanceSeconds: seconds }));
        if (result) toast(`Clock advanced by ${seconds >= 3600 ? seconds / 3600 + " h" : seconds / 60 + " min"}`);
      });
    }
    $("new-space-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      const members = [S.user, ...Array.from(form.querySelectorAll("input[name=member]:checked")).map((el) => el.value)
        .filter((name) => name !== S.user)];
      const space = await act("New space", api("POST", "/_emulator/chat/spaces",
        { displayName: form.displayName.value.trim(), spaceType: "SPACE", members }));
      if (space) { form.reset(); form.closest("details").open = false; selectSpace(space.name); }
    });
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
