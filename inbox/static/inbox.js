// Instap inbox: live updates (Server-Sent Events), notifications, quick replies, the counter.
// The pages work without it; this only makes them live. No framework, no inline handlers.
"use strict";
(function () {
  const strings = document.getElementById("strings").dataset;
  const live = document.getElementById("live");
  const timeline = document.getElementById("timeline");
  const queue = document.getElementById("queue");
  const baseTitle = document.title;
  let unseen = 0; // case page: youth messages that arrived while the tab was hidden

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }
  function setTitle(n) { document.title = n > 0 ? "(" + n + ") " + baseTitle : baseTitle; }

  let offlineTimer = null;
  function say(text) {
    if (!live) return;
    live.textContent = text || "";
    live.hidden = !text;
  }
  function loggedOut() { say(strings.loggedOut); stop(); }

  // --- browser notifications (only while the page is hidden) ------------------------------
  const notifyButton = document.getElementById("notify");
  const notifyLine = document.getElementById("notify-line");
  const hasNotifications = "Notification" in window;
  if (notifyButton && hasNotifications && Notification.permission === "default") {
    notifyLine.hidden = false;
    notifyButton.addEventListener("click", () => {
      Promise.resolve(Notification.requestPermission()).then((permission) => {
        notifyLine.hidden = true;
        say(permission === "granted" ? strings.notifyOn : strings.blocked);
        setTimeout(() => say(""), 4000);
      });
    });
  }
  function notify(text, url) {
    if (!document.hidden || !hasNotifications || Notification.permission !== "granted") return;
    try {
      const n = new Notification(text, { body: strings.openInbox, tag: url });
      n.addEventListener("click", () => {
        window.focus();
        if (url && location.pathname !== url) location.href = url;
        n.close();
      });
    } catch (e) { /* some mobile browsers only notify from a service worker */ }
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && timeline) { unseen = 0; setTitle(0); }
  });

  // --- fragments ---------------------------------------------------------------------------
  async function fragment(url) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch (e) { return null; }
    if (response.redirected && new URL(response.url).pathname === "/inbox/login") { loggedOut(); return null; }
    if (!response.ok) return null;
    return response.text();
  }
  function parse(html) {
    const t = document.createElement("template");
    t.innerHTML = html; // server-rendered by Jinja with autoescape: youth text arrives escaped
    return t.content;
  }
  function later(fn) { // many events in a burst: one fetch
    let timer = null, running = false, again = false;
    return function run() {
      if (timer) return;
      timer = setTimeout(async () => {
        timer = null;
        if (running) { again = true; return; }
        running = true;
        try { await fn(); } finally { running = false; }
        if (again) { again = false; run(); }
      }, 250);
    };
  }

  // --- the case page: append new timeline items ------------------------------------------
  function afterPoint() {
    // From just before the first recent message whose delivery state may still change:
    // "verzenden…", held for WhatsApp's window, or sent/delivered (WhatsApp says when read).
    const recent = Array.from(timeline.children).slice(-20);
    const pending = recent.find((i) => i.dataset.at && i.matches(".pending, .held, .sent, .delivered"));
    let item = pending ? pending.previousElementSibling : timeline.lastElementChild;
    while (item && !item.dataset.at) item = item.previousElementSibling;
    return item ? item.dataset.at : "";
  }
  let pendingPolls = 0;
  async function refreshTimeline() {
    const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
    const after = afterPoint();
    const url = timeline.dataset.fragment + (after ? "?after=" + encodeURIComponent(after) : "");
    const html = await fragment(url);
    if (html === null) return;
    let fresh = 0;
    for (const node of Array.from(parse(html).children)) {
      const key = node.dataset.key;
      const existing = key && timeline.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (existing) { existing.replaceWith(node); continue; }
      const empty = timeline.querySelector(".empty");
      if (empty) empty.remove();
      node.classList.add("fresh");
      timeline.appendChild(node);
      if (node.dataset.author === "youth") fresh += 1;
    }
    if (atBottom) timeline.scrollTop = timeline.scrollHeight;
    if (fresh && document.hidden) {
      unseen += fresh;
      setTitle(unseen);
      notify(fill(strings.newMessage, { name: timeline.dataset.name }), location.pathname);
    }
    // A reply "verzenden…" turns "verzonden" without an event for it: look again a few times.
    if (timeline.querySelector(".item.pending") && pendingPolls < 10) {
      pendingPolls += 1;
      setTimeout(refreshTimelineSoon, 3000); // set whenever refreshTimeline runs
    } else if (!timeline.querySelector(".item.pending")) {
      pendingPolls = 0;
    }
  }
  // An older page (?voor=, without JS) has no live refresh: what came since is not below it.
  const refreshTimelineSoon = timeline && timeline.dataset.fragment ? later(refreshTimeline) : null;

  // --- the case page: older items above, keeping what the worker looks at in place ---------
  function scroller() { // the timeline scrolls on its own on wide screens, the page on phones
    return timeline.scrollHeight > timeline.clientHeight + 1 ? timeline : null;
  }
  let loadingOlder = false;
  async function loadOlder(control) {
    const link = control && control.querySelector("a[data-fragment]");
    if (!link || loadingOlder) return;
    loadingOlder = true;
    try {
      const html = await fragment(link.dataset.fragment);
      if (html === null) return;
      const anchor = control.nextElementSibling;
      const before = anchor ? anchor.getBoundingClientRect().top : 0;
      const nodes = Array.from(parse(html).children).filter((node) => {
        const key = node.dataset.key;
        return !key || !timeline.querySelector('[data-key="' + CSS.escape(key) + '"]');
      });
      const hadFocus = control.contains(document.activeElement);
      control.replaceWith(...nodes);
      if (anchor) {
        const shift = anchor.getBoundingClientRect().top - before;
        const box = scroller();
        if (box) box.scrollTop += shift; else window.scrollBy(0, shift);
      }
      if (hadFocus) {
        const next = timeline.querySelector(".older a");
        (next || timeline).focus({ preventScroll: true });
      }
    } finally { loadingOlder = false; }
  }
  if (timeline) {
    timeline.addEventListener("click", (event) => {
      const link = event.target.closest(".older a[data-fragment]");
      if (!link) return;
      event.preventDefault();
      loadOlder(link.closest(".older"));
    });
    timeline.addEventListener("scroll", () => { // scrolled to the top: the page before
      if (timeline.scrollTop < 40) loadOlder(timeline.querySelector(".older"));
    }, { passive: true });
  }

  // --- the case page: redraw the Afspraken list (states, "te laat", wishes) ----------------
  const appointments = document.getElementById("appointments");
  let appointmentsStale = false;
  function busy() { // never redraw under the worker's hands (an open "Verzetten", focus inside)
    return appointments.contains(document.activeElement) || appointments.querySelector("details[open]");
  }
  async function refreshAppointments() {
    if (busy()) { appointmentsStale = true; return; }
    const html = await fragment(appointments.dataset.fragment);
    if (html === null) return;
    if (busy()) { appointmentsStale = true; return; }
    appointmentsStale = false;
    appointments.replaceChildren(parse(html));
  }
  const refreshAppointmentsSoon = appointments ? later(refreshAppointments) : null;
  if (appointments) {
    const retryLater = () => { if (appointmentsStale) setTimeout(refreshAppointmentsSoon, 0); };
    appointments.addEventListener("focusout", retryLater);
    appointments.addEventListener("toggle", retryLater, true);
  }

  // --- the queue page: replace the lists, say what is new ---------------------------------
  function rows() {
    const map = new Map();
    for (const row of queue.querySelectorAll(".case-row[data-case]")) {
      map.set(row.dataset.kind + ":" + row.dataset.case, {
        id: row.dataset.case, kind: row.dataset.kind, name: row.dataset.name,
        unread: Number(row.dataset.unread || 0),
      });
    }
    return map;
  }
  function unreadTotal() {
    const lists = queue.querySelector("[data-unread]");
    return lists ? Number(lists.dataset.unread || 0) : 0;
  }
  async function refreshQueue() {
    const html = await fragment(queue.dataset.fragment);
    if (html === null) return;
    const before = rows();
    // Keep keyboard focus on the same control when the lists are redrawn.
    const focused = document.activeElement;
    const row = focused && queue.contains(focused) ? focused.closest(".case-row") : null;
    const focusKey = row ? [row.dataset.kind, row.dataset.case, focused.tagName] : null;
    queue.replaceChildren(parse(html));
    if (focusKey) {
      const again = queue.querySelector('.case-row[data-kind="' + focusKey[0] + '"][data-case="' + focusKey[1] + '"] ' + focusKey[2].toLowerCase());
      if (again) again.focus();
    }
    for (const [key, now] of rows()) {
      const was = before.get(key);
      if (now.kind === "waiting" && !was) notify(fill(strings.newCase, { name: now.name }), "/inbox/cases/" + now.id);
      if (now.kind === "mine" && now.unread > (was ? was.unread : 0)) {
        notify(fill(strings.newMessage, { name: now.name }), "/inbox/cases/" + now.id);
      }
    }
    setTitle(unreadTotal());
  }
  const refreshQueueSoon = queue ? later(refreshQueue) : null;

  // --- the event stream --------------------------------------------------------------------
  let source = null, retry = 2000, stopped = false;
  function stop() { stopped = true; if (source) source.close(); }
  function onCase(event) {
    let data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (timeline && String(data.case_id) === timeline.dataset.case) {
      if (refreshTimelineSoon) refreshTimelineSoon();
      if (appointments) refreshAppointmentsSoon();
    }
    if (queue) refreshQueueSoon();
  }
  function connect() {
    if (stopped || !("EventSource" in window) || (!timeline && !queue)) return;
    source = new EventSource("/inbox/events");
    source.addEventListener("case", onCase);
    source.addEventListener("open", () => {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      say("");
      retry = 2000;
      // Between rendering the page and this moment (or while away) we may have missed
      // something: look once.
      if (refreshTimelineSoon) refreshTimelineSoon();
      if (appointments) refreshAppointmentsSoon();
      if (queue) refreshQueueSoon();
    });
    source.addEventListener("error", () => {
      // The stream ends every few minutes on purpose; only say "offline" when it stays away.
      if (!offlineTimer) offlineTimer = setTimeout(() => say(strings.offline), 5000);
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(checkThenConnect, retry);
        retry = Math.min(retry * 2, 60000);
      }
    });
  }
  async function checkThenConnect() { // closed for good: logged out, or the server was away
    const html = await fragment(queue ? queue.dataset.fragment : "/inbox/fragment/queue");
    if (!stopped && html !== null) connect();
    else if (!stopped) setTimeout(checkThenConnect, retry);
  }
  window.addEventListener("pagehide", () => { if (source) source.close(); });
  window.addEventListener("pageshow", (e) => { if (e.persisted) { stopped = false; connect(); } });

  // --- the reply box: quick replies, counter, one submit ----------------------------------
  const reply = document.getElementById("reply");
  if (reply) {
    const text = document.getElementById("reply-text");
    const counter = document.getElementById("reply-count");
    const max = Number(counter.dataset.max) || 4000;
    const button = reply.querySelector("button[type=submit]");
    const label = button.textContent;
    const count = () => {
      counter.textContent = fill(strings.counter, { n: text.value.length, max: max });
      counter.classList.toggle("over", text.value.length >= max);
    };
    text.addEventListener("input", count);
    count();
    const chips = reply.querySelector(".chips");
    if (chips) {
      chips.hidden = false;
      chips.addEventListener("click", (e) => {
        const chip = e.target.closest(".chip");
        if (!chip) return;
        const current = text.value.trim();
        text.value = current ? current + "\n" + chip.dataset.fill : chip.dataset.fill;
        count();
        text.focus();
        text.setSelectionRange(text.value.length, text.value.length);
      });
    }
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); reply.requestSubmit(); }
    });
    reply.addEventListener("submit", (e) => {
      if (reply.dataset.sending) { e.preventDefault(); return; }
      reply.dataset.sending = "1";
      button.disabled = true;
      button.textContent = strings.sending;
    });
    window.addEventListener("pageshow", () => { // back button: the form is usable again
      delete reply.dataset.sending;
      button.disabled = false;
      button.textContent = label;
    });
  }

  // --- the status form: an outcome only when closing --------------------------------------
  const status = document.getElementById("status");
  const outcomeBox = document.getElementById("outcome-box");
  if (status && outcomeBox) {
    const outcome = document.getElementById("outcome");
    const sync = () => {
      const closing = status.value === "closed";
      outcomeBox.hidden = !closing;
      outcome.required = closing;
    };
    status.addEventListener("change", sync);
    sync();
  }

  // --- forms that ask first (cancelling an appointment tells the youth) --------------------
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  });

  // On a phone the conversation is part of the one page scroll: the link above it brings
  // the newest message and the reply box into view together.
  const toNewest = document.getElementById("to-newest");
  if (toNewest) {
    toNewest.addEventListener("click", (e) => {
      e.preventDefault();
      (document.getElementById("reply") || document.getElementById("newest")).scrollIntoView({ block: "end" });
    });
  }

  if (timeline) timeline.scrollTop = timeline.scrollHeight;
  if (queue) setTitle(unreadTotal());
  connect();
})();
