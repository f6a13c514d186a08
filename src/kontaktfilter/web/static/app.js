// kontaktfilter screener: keys and one-click actions on top of plain HTML forms.
// Every action also works without this script; with it, the queue never reloads to decide.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error((data.error && data.error.message) || response.statusText);
  }
  return data;
}

function showError(message) {
  let box = document.querySelector("#flash");
  if (!box) {
    box = document.createElement("p");
    box.id = "flash";
    box.className = "error";
    box.setAttribute("role", "alert");
    document.querySelector("main").prepend(box);
  }
  box.textContent = message; // text, never HTML
}

// --- the queue ------------------------------------------------------------------------------

const cards = () => Array.from(document.querySelectorAll("li.card:not(.done)"));
let current = 0;

function select(index) {
  const list = cards();
  if (!list.length) return;
  current = Math.max(0, Math.min(index, list.length - 1));
  list.forEach((card, n) => card.classList.toggle("current", n === current));
  list[current].focus({ preventScroll: true });
  list[current].scrollIntoView({ block: "nearest" });
}

async function decide(card, action, reply) {
  const body = reply ? { action, reply } : { action };
  await api("POST", `/api/requests/${card.dataset.id}/decision`, body);
  card.classList.add("done");
  card.classList.remove("current");
  card.setAttribute("aria-hidden", "true");
  const count = document.querySelector("h1 .count");
  if (count) count.textContent = String(Math.max(0, Number(count.textContent) - 1));
  select(current);
}

async function fillDraft(details) {
  const area = details.querySelector("textarea");
  if (area.dataset.edited) return; // the user's own words are never replaced
  if (!area || area.value) return;
  const data = await api(
    "GET",
    `/api/requests/${area.dataset.request}/draft?action=${encodeURIComponent(area.dataset.draftAction)}`,
  );
  area.value = data.reply || data.note || "";
}

function openDraft(card) {
  const details = card.querySelector("details.draft");
  if (!details) return;
  details.open = true;
  fillDraft(details).catch((e) => showError(e.message));
  details.querySelector("textarea").focus();
}

async function undo() {
  const data = await api("POST", "/api/undo");
  if (data.request_id !== null) sessionStorage.setItem("kf-focus", String(data.request_id));
  location.reload();
}

function onSubmit(event) {
  const form = event.target;
  const card = form.closest("li.card");
  const button = event.submitter;
  if (!card || !button || button.name !== "action") return;
  event.preventDefault();
  const reply = form.elements.reply; // the draft as the user sent it, kept with the decision
  decide(card, button.value, reply ? reply.value : null).catch((e) => showError(e.message));
}

// One key map for the web and the terminal (services/keymap.py), embedded in the page.
const keymap = () => JSON.parse(document.querySelector("#keymap").textContent);

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  // Enter on a button, link or summary presses, follows or opens it; it never also decides
  if (event.key === "Enter" && (tag === "button" || tag === "a" || tag === "summary")) return;
  const entry = keymap()[event.key];
  if (!entry) return;
  const card = cards()[current];
  const fail = (e) => showError(e.message);
  switch (entry.command) {
    case "decide": case "decline": {
      const button = card && card.querySelector(`.actions button[data-key="${event.key}"]`);
      if (button) button.click();
      break;
    }
    case "recommended": if (card) decide(card, card.dataset.action).catch(fail); break;
    case "next": select(current + 1); break;
    case "previous": select(current - 1); break;
    case "view_draft": if (card) openDraft(card); break;
    case "copy_draft": if (card) copyCardDraft(card).catch(fail); break;
    case "undo": undo().catch(fail); break;
    case "help": {
      const help = document.querySelector("#keys");
      if (help) help.scrollIntoView({ block: "center" });
      break;
    }
    default: return;
  }
  event.preventDefault();
}

async function copyCardDraft(card) {
  const details = card.querySelector("details.draft");
  if (!details) return;
  details.open = true;
  await fillDraft(details);
  details.querySelector("button.copy").click();
}

function copyDraft(event) {
  const button = event.target.closest("button");
  const area = button.closest("details").querySelector("textarea");
  const done = () => {
    button.classList.add("copied");
    button.textContent = button.dataset.done; // visible feedback, also read by screen readers
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(area.value).then(done, () => showError(button.dataset.failed));
  } else {
    area.select();
    if (document.execCommand("copy")) done();
    else showError(button.dataset.failed);
  }
}

function initQueue() {
  const list = document.querySelector("ol.cards");
  if (!list) return;
  if (cards().length > 1) list.classList.add("compact"); // one line each, the current in full
  list.addEventListener("click", (event) => {
    const head = event.target.closest(".head");
    if (!head || event.target.closest("a")) return;
    const index = cards().indexOf(head.closest("li.card"));
    if (index >= 0) select(index);
  });
  document.addEventListener("submit", onSubmit);
  document.addEventListener("keydown", onKey);
  document.querySelectorAll("details.draft").forEach((details) =>
    details.addEventListener("toggle", () => {
      if (details.open) fillDraft(details).catch((e) => showError(e.message));
    }),
  );
  document.querySelectorAll("button.copy").forEach((b) => b.addEventListener("click", copyDraft));
  document.querySelectorAll("details.draft textarea").forEach((area) =>
    area.addEventListener("input", () => { area.dataset.edited = "1"; }),
  );
  const focus = sessionStorage.getItem("kf-focus");
  sessionStorage.removeItem("kf-focus");
  const index = cards().findIndex((card) => card.dataset.id === focus);
  select(index >= 0 ? index : 0);
}

// --- the import page: follow a running job ---------------------------------------------------

function initImport() {
  const job = document.querySelector("section.job[data-state='running']");
  if (job) setTimeout(() => location.reload(), 700);
}

document.addEventListener("DOMContentLoaded", () => {
  initQueue();
  initImport();
});
