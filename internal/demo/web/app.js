// The demo page: shows the fake Slack's channel to the person chosen and acts as them. It draws
// whatever blocks the fake recorded (a block type it does not know is shown as such) and reads
// the state again on every server-sent event.
"use strict";

const $ = (sel) => document.querySelector(sel);

let state = null; // the last /api/state answer
let me = new URLSearchParams(location.search).get("as") || localStorage.getItem("resetbot-demo-as") || "";
let where = "channel"; // or "dms"
let openThread = ""; // the ts of the thread shown, "" for none
let refreshing = null;
let modalKey = "";

// ---- text ----

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// unescape reads Slack's own escaping of &, < and > in message text.
function unescape(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function personName(id) {
  if (state && id === state.bot.id) return "resetbot";
  const p = state && state.people.find((x) => x.id === id);
  return p ? p.name : id;
}

function groupHandle(id) {
  const g = state && state.groups.find((x) => x.id === id);
  return g ? g.handle : id;
}

// entity draws one <…> of Slack's message formatting: a mention, a channel, a date or a link.
function entity(inner) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) return `<span class="mention">@${esc(personName(target.slice(1)))}</span>`;
  if (target.startsWith("#")) return `<span class="mention">#${esc(label || target.slice(1))}</span>`;
  if (target.startsWith("!subteam^")) return `<span class="mention">@${esc(groupHandle(target.slice(9)))}</span>`;
  if (target.startsWith("!date^")) {
    const secs = Number(target.split("^")[1]);
    return Number.isFinite(secs) ? esc(new Date(secs * 1000).toLocaleString()) : esc(unescape(label || ""));
  }
  if (target.startsWith("!")) return `<span class="mention">@${esc(target.slice(1))}</span>`;
  if (/^(https?:|mailto:)/.test(target)) {
    return `<a href="${esc(target)}" target="_blank" rel="noopener noreferrer">${esc(unescape(label || target))}</a>`;
  }
  return esc(unescape("<" + inner + ">"));
}

// styles applies *bold*, _italic_ and ~strike~ to escaped HTML.
function styles(h) {
  return h
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s.,;:!?)])/g, "$1<i>$2</i>")
    .replace(/~([^~\n]+)~/g, "<s>$1</s>")
    .replace(/\n/g, "<br>");
}

function rich(s) {
  return s.split(/<([^<>]+)>/).map((p, i) => (i % 2 ? entity(p) : styles(esc(unescape(p))))).join("");
}

function inline(s) {
  return s.split(/`([^`\n]+)`/).map((p, i) => (i % 2 ? `<code>${esc(unescape(p))}</code>` : rich(p))).join("");
}

// mrkdwn draws Slack's mrkdwn as HTML.
function mrkdwn(s) {
  return String(s ?? "").split("```").map((p, i) => (i % 2 ? `<pre>${esc(unescape(p.replace(/^\n/, "")))}</pre>` : inline(p))).join("");
}

// text draws a text object: plain_text as it is, mrkdwn formatted.
function text(t) {
  if (!t) return "";
  if (typeof t === "string") return mrkdwn(t);
  return t.type === "mrkdwn" ? mrkdwn(t.text) : esc(t.text).replace(/\n/g, "<br>");
}

function plainOf(t) {
  return t ? (typeof t === "string" ? t : t.text) : "";
}

// ---- blocks ----

// unknown shows a block or element type the page does not draw, never dropping it.
function unknown(kind, obj) {
  return `<div class="unknown">Unknown ${kind} type <code>${esc(obj && obj.type)}</code> — as the bot sent it:<pre>${esc(JSON.stringify(obj, null, 2))}</pre></div>`;
}

// Elements that can be clicked: buttons and menus. ctx says where they are (a message or a view).
const elementRenderers = {
  button: (e) => {
    const style = e.style ? " " + esc(e.style) : "";
    return `<button type="button" class="btn${style}" data-click="${esc(e.action_id)}" data-value="${esc(e.value || "")}"` +
      (e.confirm ? ` data-confirm="${esc(JSON.stringify(e.confirm))}"` : "") + `>${esc(plainOf(e.text))}</button>`;
  },
  static_select: (e) => {
    const opts = (e.options || []).map((o) => `<option value="${esc(o.value)}">${esc(plainOf(o.text))}</option>`).join("");
    return `<select data-select="${esc(e.action_id)}"><option value="">${esc(plainOf(e.placeholder) || "Choose")}</option>${opts}</select>`;
  },
  image: (e) => `<span class="image">[image: ${esc(e.alt_text)}]</span>`,
};

function element(e) {
  const r = elementRenderers[e.type];
  return r ? r(e) : unknown("element", e);
}

const blockRenderers = {
  header: (b) => `<div class="b-header">${esc(plainOf(b.text))}</div>`,
  divider: () => `<hr class="b-divider">`,
  section: (b) => {
    let h = `<div class="b-section"><div class="b-section-main">`;
    if (b.text) h += `<div class="b-text">${text(b.text)}</div>`;
    if (b.fields) h += `<div class="b-fields">${b.fields.map((f) => `<div class="b-field">${text(f)}</div>`).join("")}</div>`;
    h += `</div>`;
    if (b.accessory) h += `<div class="b-accessory">${element(b.accessory)}</div>`;
    return h + `</div>`;
  },
  context: (b) => `<div class="b-context">${(b.elements || []).map((e) => (e.type === "image" ? element(e) : `<span>${text(e)}</span>`)).join("")}</div>`,
  actions: (b) => `<div class="b-actions">${(b.elements || []).map(element).join("")}</div>`,
  image: (b) => `<div class="image">[image: ${esc(b.alt_text)}]</div>`,
  input: (b, view) => inputBlock(b, view),
};

function blocks(list, view) {
  return (list || []).map((b) => {
    const r = blockRenderers[b.type];
    return r ? r(b, view) : unknown("block", b);
  }).join("");
}

// ---- the modal's inputs ----

// inputRenderers draw an input block's element as a form field named by its block_id.
const inputRenderers = {
  plain_text_input: (e, id) => e.multiline
    ? `<textarea name="${esc(id)}" maxlength="${e.max_length || ""}" placeholder="${esc(plainOf(e.placeholder))}">${esc(e.initial_value || "")}</textarea>`
    : `<input name="${esc(id)}" type="text" maxlength="${e.max_length || ""}" placeholder="${esc(plainOf(e.placeholder))}" value="${esc(e.initial_value || "")}">`,
  static_select: (e, id) => {
    const init = e.initial_option && e.initial_option.value;
    const opts = (e.options || []).map((o) => `<option value="${esc(o.value)}"${o.value === init ? " selected" : ""}>${esc(plainOf(o.text))}</option>`).join("");
    return `<select name="${esc(id)}"><option value="">${esc(plainOf(e.placeholder) || "Choose")}</option>${opts}</select>`;
  },
  checkboxes: (e, id) => (e.options || []).map((o) => {
    const on = (e.initial_options || []).some((x) => x.value === o.value);
    return `<label class="check"><input type="checkbox" name="${esc(id)}" value="${esc(o.value)}"${on ? " checked" : ""}> ${text(o.text)}` +
      (o.description ? `<span class="hint">${text(o.description)}</span>` : "") + `</label>`;
  }).join(""),
  radio_buttons: (e, id) => (e.options || []).map((o) => {
    const on = e.initial_option && e.initial_option.value === o.value;
    return `<label class="check"><input type="radio" name="${esc(id)}" value="${esc(o.value)}"${on ? " checked" : ""}> ${text(o.text)}</label>`;
  }).join(""),
};

function inputBlock(b, view) {
  const id = b.block_id;
  const r = inputRenderers[b.element && b.element.type];
  const field = r ? r(b.element, id) : unknown("input element", b.element);
  const err = view && view.errors && view.errors[id];
  return `<div class="b-input${err ? " has-error" : ""}" data-block="${esc(id)}" data-optional="${b.optional ? "1" : ""}">` +
    `<label class="label">${esc(plainOf(b.label))}${b.optional ? ' <span class="optional">(optional)</span>' : ""}</label>${field}` +
    (b.hint ? `<div class="hint">${text(b.hint)}</div>` : "") +
    `<div class="field-error" role="alert">${esc(err || "")}</div></div>`;
}

// modalValues reads the form: by block_id, the text typed or the options chosen.
function modalValues() {
  const values = {};
  document.querySelectorAll("#modal-body .b-input").forEach((div) => {
    const id = div.dataset.block;
    const fields = div.querySelectorAll("[name]");
    const chosen = [];
    fields.forEach((f) => {
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked) chosen.push(f.value);
      } else {
        chosen.push(f.value);
      }
    });
    values[id] = chosen.join(",");
  });
  return values;
}

// ---- messages ----

function time(ts) {
  const d = new Date(Number(ts) * 1000);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function avatar(id) {
  const n = personName(id);
  return `<div class="avatar${id === state.bot.id ? " bot" : ""}">${esc(n.slice(0, 1).toUpperCase())}</div>`;
}

// message draws a message or an ephemeral; where says what a click on it names.
function message(m, opts) {
  const from = m.user || state.bot.id;
  const eph = opts.ephemeral;
  let h = `<div class="msg${eph ? " ephemeral" : ""}" data-channel="${esc(m.channel)}" data-ts="${esc(m.ts)}">${avatar(from)}<div class="msg-body">`;
  h += `<div class="meta"><b>${esc(personName(from))}</b>${from === state.bot.id ? ' <span class="app">APP</span>' : ""} <time>${esc(time(m.ts))}</time>${m.edited ? ' <span class="edited">(edited)</span>' : ""}</div>`;
  if (eph) h += `<div class="only-you">Only visible to you</div>`;
  h += m.blocks && m.blocks.length ? `<div class="blocks">${blocks(m.blocks)}</div>` : `<div class="b-text">${mrkdwn(m.text)}</div>`;
  if (opts.replies && m.reply_count) {
    h += `<button type="button" class="replies" data-thread="${esc(m.ts)}">${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}</button>`;
  }
  return h + `</div></div>`;
}

function byTS(a, b) {
  return Number(a.ts) - Number(b.ts);
}

function drawConversation() {
  const box = $("#messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  let items;
  if (where === "dms") {
    $("#conv-title").textContent = "resetbot";
    $("#conv-sub").textContent = "direct messages between you and the bot";
    items = (state.dms || []).map((m) => ({ m, opts: {} }));
  } else {
    $("#conv-title").textContent = "# " + state.channel.name;
    $("#conv-sub").textContent = `${state.people.length + 1} members · as ${state.me.real_name}`;
    items = (state.messages || []).map((m) => ({ m, opts: { replies: true } }));
    (state.ephemerals || []).filter((e) => !e.thread_ts).forEach((e) => items.push({ m: e, opts: { ephemeral: true } }));
  }
  items.sort((a, b) => byTS(a.m, b.m));
  box.innerHTML = items.length ? items.map((i) => message(i.m, i.opts)).join("")
    : `<div class="empty">Nothing here yet. Type a command below, e.g. <code>/cognito help</code>.</div>`;
  if (atBottom) box.scrollTop = box.scrollHeight;
  $("#open-channel").classList.toggle("active", where === "channel");
  $("#open-dms").classList.toggle("active", where === "dms");
  const dms = (state.dms || []).length;
  $("#dm-count").hidden = dms === 0;
  $("#dm-count").textContent = dms;
}

function drawThread() {
  const pane = $("#thread");
  const parent = openThread && (state.messages || []).find((m) => m.ts === openThread);
  pane.hidden = !parent;
  document.body.classList.toggle("with-thread", !!parent);
  if (!parent) return;
  $("#thread-channel").textContent = state.channel.name;
  const items = [{ m: parent, opts: {} }];
  (state.threads[openThread] || []).forEach((m) => items.push({ m, opts: {} }));
  (state.ephemerals || []).filter((e) => e.thread_ts === openThread).forEach((e) => items.push({ m: e, opts: { ephemeral: true } }));
  items.sort((a, b) => byTS(a.m, b.m));
  const replies = items.length - 1;
  const box = $("#thread-messages");
  const follow = box.dataset.thread !== openThread || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.dataset.thread = openThread;
  box.innerHTML = message(items[0].m, {}) +
    `<div class="reply-count">${replies} ${replies === 1 ? "reply" : "replies"}</div>` +
    items.slice(1).map((i) => message(i.m, i.opts)).join("");
  if (follow) box.scrollTop = box.scrollHeight;
}

// ---- behind the scenes ----

function drawBehind() {
  let pool = "";
  $("#users tbody").innerHTML = (state.users || []).map((u) => {
    const head = u.pool !== pool ? `<tr class="pool"><th colspan="3">pool ${esc(u.pool)}</th></tr>` : "";
    pool = u.pool;
    return head + `<tr class="${u.enabled ? "" : "disabled"}" data-user="${esc(u.pool + "/" + u.username)}" title="${esc(u.note || "")}">` +
      `<td><b>${esc(u.username)}</b>${u.groups ? ` <span class="tag">${esc(u.groups.join(", "))}</span>` : ""}${u.enabled ? "" : ' <span class="tag">disabled</span>'}</td>` +
      `<td><span class="status s-${esc(u.status)}">${esc(u.status)}</span></td>` +
      `<td class="email">${esc(u.email || "—")}${u.email ? (u.email_verified ? ' <span class="ok" title="verified">✓</span>' : ' <span class="err" title="not verified">✗ unverified</span>') : ""}</td></tr>`;
  }).join("");

  const calls = (state.calls || []).slice().reverse();
  $("#calls").innerHTML = calls.length ? calls.map((c) =>
    `<li><code>${esc(c.op)}</code> ${c.error ? `<span class="err">${esc(c.error)}</span>` : '<span class="ok">ok</span>'}` +
    ` <span class="sub">${esc(new Date(c.at).toLocaleTimeString())} · ${c.ms} ms</span></li>`).join("")
    : `<li class="sub">None yet.</li>`;

  const trails = state.audit || [];
  let trail = null;
  if (openThread) {
    const parent = (state.messages || []).find((m) => m.ts === openThread);
    trail = parent && trails.find((t) => JSON.stringify(parent.blocks || "").includes(t.request_id));
  }
  trail = trail || trails[trails.length - 1];
  $("#audit-of").textContent = trail ? "of request " + trail.request_id : "";
  $("#audit").innerHTML = trail ? trail.events.map((e) =>
    `<li><b>${esc(e.Kind)}</b> <span class="sub">${esc(new Date(e.At).toLocaleTimeString())}</span> by ${esc(e.Actor === "system" ? "the bot" : personName(e.Actor))}` +
    `${e.Outcome ? ` · ${esc(e.Outcome)}` : ""}${e.Detail ? `<div class="sub">${esc(e.Detail)}</div>` : ""}</li>`).join("")
    : `<li class="sub">No request yet.</li>`;
}

// ---- people ----

let peopleKey = "";

// drawPeople draws the list of people once, then only moves the highlight, so that a click on
// it never lands on a node being replaced.
function drawPeople() {
  const key = state.people.map((p) => p.id).join(",");
  if (key === peopleKey) {
    document.querySelectorAll("#people .person").forEach((b) => b.classList.toggle("active", b.dataset.person === me));
  } else {
    peopleKey = key;
    $("#people").innerHTML = state.people.map((p) =>
    `<li><button type="button" id="as-${esc(p.id)}" class="person${p.id === me ? " active" : ""}" data-person="${esc(p.id)}">` +
    `<span class="avatar tiny">${esc(p.name.slice(0, 1).toUpperCase())}</span><span>${esc(p.real_name)}<span class="role">${esc(p.role)}</span></span></button></li>`).join("");
  }
  $("#channel-name").textContent = state.channel.name;
  $("#policy-name").textContent = state.policy;
  $("#composer-input").placeholder = `Message #${state.channel.name} as ${state.me.name} — type ${state.command} …`;
}

// ---- the modal ----

function drawModal() {
  const views = state.views || [];
  const v = views[views.length - 1];
  const back = $("#modal-backdrop");
  if (!v) {
    back.hidden = true;
    modalKey = "";
    return;
  }
  back.hidden = false;
  const key = v.id + "/" + v.hash;
  if (key !== modalKey) {
    modalKey = key;
    $("#modal").dataset.view = v.id;
    $("#modal-title").textContent = v.title;
    $("#modal-body").innerHTML = blocks(v.blocks, v);
    return;
  }
  document.querySelectorAll("#modal-body .b-input").forEach((div) => {
    const err = (v.errors || {})[div.dataset.block] || "";
    div.classList.toggle("has-error", !!err);
    div.querySelector(".field-error").textContent = err;
  });
}

// ---- drawing and reading ----

function draw() {
  if (!state) return;
  drawPeople();
  drawConversation();
  drawThread();
  drawBehind();
  drawModal();
}

async function refresh() {
  if (!me) return;
  const r = await fetch("/api/state?as=" + encodeURIComponent(me));
  if (!r.ok) {
    showError((await r.json().catch(() => ({}))).error || r.statusText);
    return;
  }
  state = await r.json();
  draw();
  document.body.dataset.version = state.version;
}

function scheduleRefresh() {
  if (refreshing) return;
  refreshing = setTimeout(() => {
    refreshing = null;
    refresh().catch((e) => showError(String(e)));
  }, 30);
}

function showError(msg) {
  const box = $("#composer-error");
  box.textContent = msg;
  box.hidden = !msg;
}

async function act(path, body) {
  showError("");
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ as: me, ...body }) });
  if (!r.ok) showError((await r.json().catch(() => ({}))).error || r.statusText);
  scheduleRefresh();
}

// confirmFirst shows a confirm dialog, as Slack does for a button that asks for one.
function confirmFirst(confirm) {
  return new Promise((resolve) => {
    $("#confirm-title").textContent = plainOf(confirm.title) || "Are you sure?";
    $("#confirm-text").innerHTML = text(confirm.text);
    $("#confirm-ok").textContent = plainOf(confirm.confirm) || "Yes";
    $("#confirm-deny").textContent = plainOf(confirm.deny) || "Cancel";
    $("#confirm-backdrop").hidden = false;
    const done = (yes) => {
      $("#confirm-backdrop").hidden = true;
      $("#confirm-ok").onclick = $("#confirm-deny").onclick = null;
      resolve(yes);
    };
    $("#confirm-ok").onclick = () => done(true);
    $("#confirm-deny").onclick = () => done(false);
  });
}

function choose(id) {
  me = id;
  localStorage.setItem("resetbot-demo-as", id);
  const u = new URL(location.href);
  u.searchParams.set("as", id);
  history.replaceState(null, "", u);
  modalKey = "";
  scheduleRefresh();
}

document.addEventListener("click", async (ev) => {
  const t = ev.target.closest("button");
  if (!t) return;
  if (t.dataset.person) return choose(t.dataset.person);
  if (t.dataset.thread) {
    openThread = t.dataset.thread;
    return draw();
  }
  if (t.classList.contains("try")) {
    $("#composer-input").value = t.dataset.text;
    return $("#composer-input").focus();
  }
  if (t.dataset.click) {
    if (t.dataset.confirm && !(await confirmFirst(JSON.parse(t.dataset.confirm)))) return;
    const view = t.closest("#modal");
    if (view) return act("/api/click", { view_id: view.dataset.view, action_id: t.dataset.click, value: t.dataset.value });
    const msg = t.closest(".msg");
    return act("/api/click", { channel: msg.dataset.channel, ts: msg.dataset.ts, action_id: t.dataset.click, value: t.dataset.value });
  }
});

document.addEventListener("change", (ev) => {
  const s = ev.target.closest("select[data-select]");
  if (!s || !s.value) return;
  const view = s.closest("#modal");
  if (view) return act("/api/click", { view_id: view.dataset.view, action_id: s.dataset.select, value: s.value });
  const msg = s.closest(".msg");
  act("/api/click", { channel: msg.dataset.channel, ts: msg.dataset.ts, action_id: s.dataset.select, value: s.value });
});

function setup() {
  $("#composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = $("#composer-input");
    const typed = input.value.trim();
    if (!typed) return;
    const cmd = state ? state.command : "/cognito";
    if (typed !== cmd && !typed.startsWith(cmd + " ")) {
      showError(`This demo's Slack takes slash commands only: start with ${cmd}.`);
      return;
    }
    input.value = "";
    where = "channel";
    act("/api/slash", { text: typed.slice(cmd.length).trim() });
  });
  $("#modal").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const values = modalValues();
    let missing = false;
    document.querySelectorAll("#modal-body .b-input").forEach((div) => {
      const empty = !div.dataset.optional && !values[div.dataset.block];
      if (empty) {
        div.classList.add("has-error");
        div.querySelector(".field-error").textContent = "Please complete this required field.";
      }
      missing = missing || empty;
    });
    if (!missing) act("/api/submit", { view_id: $("#modal").dataset.view, values });
  });
  const closeModal = () => act("/api/close", { view_id: $("#modal").dataset.view });
  $("#modal-close").addEventListener("click", closeModal);
  $("#modal-x").addEventListener("click", closeModal);
  $("#close-thread").addEventListener("click", () => {
    openThread = "";
    draw();
  });
  $("#open-channel").addEventListener("click", () => {
    where = "channel";
    draw();
  });
  $("#open-dms").addEventListener("click", () => {
    where = "dms";
    draw();
  });
  new EventSource("/api/events").addEventListener("change", scheduleRefresh);
}

async function start() {
  setup();
  const people = await (await fetch("/api/people")).json();
  if (!people.some((p) => p.id === me)) me = people[0].id; // the first visit: a support engineer
  choose(me);
}

start().catch((e) => showError(String(e)));
