// Instap web chat: a pseudonymous token in localStorage, one websocket, the same flows as Telegram.
"use strict";
(function () {
  const strings = Object.assign({}, document.getElementById("strings").dataset);
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  const seen = new Map(); // message id -> element
  let ws = null, lastId = 0, retry = 500, counter = 0, state = "connecting";

  function token() {
    let t = localStorage.getItem("instap.token");
    if (!t) {
      const bytes = new Uint8Array(24);
      crypto.getRandomValues(bytes);
      t = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      localStorage.setItem("instap.token", t);
    }
    return t;
  }
  function clientId() { counter += 1; return Date.now().toString(36) + "-" + counter + "-" + Math.random().toString(36).slice(2, 8); }
  const pending = []; // frames not yet acknowledged: resent after a reconnect

  function setStatus(next) { state = next; status.textContent = strings[next]; }

  // The page's own words follow the youth's language (chosen with /taal), also after a reload.
  function applyChrome(chrome) {
    const s = chrome.strings;
    document.documentElement.lang = chrome.lang;
    document.title = s.title;
    document.getElementById("sub").textContent = s.sub;
    document.getElementById("label").textContent = s.label;
    document.getElementById("send").textContent = s.send;
    input.placeholder = s.placeholder;
    log.setAttribute("aria-label", s.log);
    Object.assign(strings, s, { lang: chrome.lang });
    setStatus(state);
    seen.forEach((el) => showWhy(el));
  }
  try {
    const cached = JSON.parse(localStorage.getItem("instap.chrome") || "null");
    if (cached && cached.strings && localStorage.getItem("instap.token")) applyChrome(cached);
  } catch (e) { localStorage.removeItem("instap.chrome"); }

  function send(frame) {
    frame.client_id = frame.client_id || clientId();
    frame.lang = strings.lang;
    pending.push(frame);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    if (frame.type !== "open") setStatus("sending");
  }

  function renderButtons(box, id, rows, live) {
    box.replaceChildren();
    if (!rows || !rows.length) return;
    const wrap = document.createElement("div");
    wrap.className = "buttons";
    for (const row of rows) {
      const r = document.createElement("div");
      r.className = "row";
      for (const b of row) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.text;
        btn.dataset.data = b.data;
        btn.disabled = !live;
        btn.addEventListener("click", () => {
          btn.classList.add("pressed");
          send({ type: "button", data: b.data, message_id: id });
        });
        r.appendChild(btn);
      }
      wrap.appendChild(r);
    }
    box.appendChild(wrap);
  }

  // Buttons work as long as they mean something: the server says which (an appointment's
  // until it is confirmed, moved, cancelled or over; a question's until a newer one came).
  function setLive(id, live, why) {
    const el = seen.get(id);
    if (!el) return;
    el.dataset.live = live ? "1" : "0";
    el.dataset.why = why || "";
    el.querySelectorAll(".buttons button").forEach((b) => { b.disabled = !live; });
    showWhy(el);
  }

  // Under an appointment's grey buttons, a kind word on why: answered, moved, cancelled, over.
  function showWhy(el) {
    const box = el.querySelector(".buttons");
    let note = el.querySelector(".why");
    const text = el.dataset.live === "0" && box ? strings["why_" + el.dataset.why] : "";
    if (!text) { if (note) note.remove(); return; }
    if (!note) { note = document.createElement("div"); note.className = "why"; box.after(note); }
    note.textContent = text;
  }

  function show(m) {
    if (seen.has(m.id)) return;
    const el = document.createElement("div");
    // A pressed button shows as a quiet chip, what the youth typed as a bubble.
    el.className = "msg " + (m.direction === "in" ? (m.tap ? "in tap" : "in") : "out");
    el.dataset.id = m.id;
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = m.text;
    const box = document.createElement("div");
    el.append(text, box);
    if (m.file) {
      // An agenda entry: offered as a download made in the browser, nothing fetched.
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([m.file.content], { type: m.file.type }));
      link.download = m.file.name;
      link.textContent = m.file.name;
      link.className = "file";
      el.insertBefore(link, box);
    }
    if (m.direction !== "in") renderButtons(box, m.id, m.buttons, m.live);
    log.appendChild(el);
    seen.set(m.id, el);
    setLive(m.id, m.live, m.why);
    lastId = Math.max(lastId, m.id);
    el.scrollIntoView({ block: "end" });
  }

  function edit(m) {
    // An edit changes the buttons (a multi-select tick); the text above them stays.
    const el = seen.get(m.id);
    if (!el) return;
    if (m.text) el.querySelector(".text").textContent = m.text;
    renderButtons(el.lastElementChild, m.id, m.buttons, el.dataset.live !== "0");
    showWhy(el);
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(proto + "//" + location.host + "/chat/ws");
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: token(), since: lastId, lang: strings.lang }));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === "ready") {
        retry = 500;
        setStatus(pending.some((f) => f.type !== "open") ? "sending" : "online");
        for (const f of pending) ws.send(JSON.stringify(f));
        // A first visit: the page starts the conversation (the server ignores it for a known youth).
        // The poster's key in /chat?via=… goes along: it becomes the case's entry point.
        if (lastId === 0 && !pending.length) send({ type: "open", via: new URLSearchParams(location.search).get("via") || "" });
      } else if (m.type === "message") show(m);
      else if (m.type === "edit") edit(m);
      else if (m.type === "live") setLive(m.id, m.live, m.why);
      else if (m.type === "chrome") {
        localStorage.setItem("instap.chrome", JSON.stringify(m));
        applyChrome(m);
      } else if (m.type === "ack") {
        const i = pending.findIndex((f) => f.client_id === m.client_id);
        if (i >= 0) pending.splice(i, 1);
        if (!pending.length) setStatus("online");
      }
    };
    ws.onclose = () => {
      setStatus("offline");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send({ type: "text", text });
    input.value = "";
    input.style.height = "";
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", () => { input.style.height = ""; input.style.height = Math.min(input.scrollHeight, 128) + "px"; });
  connect();
})();
