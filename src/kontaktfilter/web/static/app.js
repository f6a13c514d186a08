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

async function decide(card, action) {
  await api("POST", `/api/requests/${card.dataset.id}/decision`, { action });
  card.classList.add("done");
  card.classList.remove("current");
  card.setAttribute("aria-hidden", "true");
  const count = document.querySelector("h1 .count");
  if (count) count.textContent = String(Math.max(0, Number(count.textContent) - 1));
  select(current);
}

async function fillDraft(details) {
  const area = details.querySelector("textarea");
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
  decide(card, button.value).catch((e) => showError(e.message));
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  const card = cards()[current];
  const press = (key) => {
    const button = card && card.querySelector(`.actions button[data-key="${key}"]`);
    if (button) button.click();
  };
  switch (event.key) {
    case "j": select(current + 1); break;
    case "k": select(current - 1); break;
    case "a": case "d": case "s": press(event.key); break;
    case "r": if (card) openDraft(card); break;
    case "u": undo().catch((e) => showError(e.message)); break;
    default: return;
  }
  event.preventDefault();
}

function copyDraft(event) {
  const area = event.target.closest("details").querySelector("textarea");
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(area.value).catch(() => {});
  } else {
    area.select();
    document.execCommand("copy");
  }
  event.target.classList.add("copied");
}

function initQueue() {
  if (!document.querySelector("ol.cards")) return;
  document.addEventListener("submit", onSubmit);
  document.addEventListener("keydown", onKey);
  document.querySelectorAll("details.draft").forEach((details) =>
    details.addEventListener("toggle", () => {
      if (details.open) fillDraft(details).catch((e) => showError(e.message));
    }),
  );
  document.querySelectorAll("button.copy").forEach((b) => b.addEventListener("click", copyDraft));
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
