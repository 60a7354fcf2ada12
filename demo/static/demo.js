// The demo page: polls /api/state every 500 ms and posts what the person does to /api/act.
// The HTML of messages, notes and the modal is rendered (and escaped) by demo/blockkit.py.
"use strict";

const $ = (sel) => document.querySelector(sel);
let viewer = new URLSearchParams(location.search).get("as") || "";
let shown = { messages: "", notes: "", modal: null };

async function act(body) {
  const answer = await fetch("/api/act", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: viewer, ...body }),
  });
  const result = await answer.json();
  const problem = $("#problem");
  problem.hidden = !result.error;
  problem.textContent = result.error || "";
  refresh();
  return result;
}

function messageHtml(m) {
  const zoom = m.zoom.map((z) =>
    `<button class="btn zoom-side" data-zoom="${z.event}">${z.label}</button>`).join("");
  const side = zoom ? `<div class="zoom-controls"><span>Zoom side:</span>${zoom}</div>` : "";
  const app = m.bot ? ' <span class="app-badge">APP</span>' : "";
  const edited = m.edited ? ' <span class="edited">(edited)</span>' : "";
  const name = m.sender.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<article class="message" data-ts="${m.ts}" data-meeting="${m.meeting || ""}"><div class="avatar">${m.bot ? "Z" : name[0]}</div>` +
    `<div class="content"><div class="sender">${name}${app}${edited}</div>${m.html}${side}</div></article>`;
}

function render(state) {
  if (!viewer) viewer = state.viewer.id;
  const select = $("#viewer");
  if (!select.options.length) {
    for (const p of state.people) select.add(new Option(`${p.name} · ${p.tz.split("/").pop().replace("_", " ")}`, p.id));
  }
  select.value = viewer;
  $("#zone").textContent = `Times shown in ${state.viewer.tz}`;
  const messages = state.messages.map(messageHtml).join("");
  if (messages !== shown.messages) {
    $("#messages").innerHTML = messages || '<p class="empty">No messages yet.</p>';
    $("#messages").scrollTop = $("#messages").scrollHeight;
    shown.messages = messages;
  }
  const notes = state.notes.map((n) =>
    `<div class="note"><div class="note-label">Only visible to you</div>${n}</div>`).join("");
  if (notes !== shown.notes) {
    $("#notes").innerHTML = notes;
    shown.notes = notes;
  }
  const modal = state.modal;
  const key = modal ? `${modal.id}/${modal.seq}` : null;
  if (key !== shown.modal) {
    $("#modal").hidden = !modal;
    $("#modal .dialog").innerHTML = modal ? modal.html : "";
    $("#modal .dialog").dataset.viewId = modal ? modal.id : "";
    shown.modal = key;
  }
}

async function refresh() {
  try {
    const answer = await fetch(`/api/state?as=${encodeURIComponent(viewer)}`);
    render(await answer.json());
  } catch (e) {
    // The runner is stopping, or busy: the next poll tries again.
  }
}

function confirmFirst(dialog) {
  return new Promise((resolve) => {
    const box = $("#confirm");
    box.querySelector(".dialog").innerHTML =
      `<div class="modal-title">${dialog.title}</div><div class="modal-body">${dialog.text}</div>` +
      `<div class="modal-buttons"><button class="btn" data-answer="no">${dialog.deny}</button>` +
      `<button class="btn danger" data-answer="yes">${dialog.confirm}</button></div>`;
    box.hidden = false;
    box.onclick = (event) => {
      const answer = event.target.closest("[data-answer]");
      if (!answer) return;
      box.hidden = true;
      resolve(answer.dataset.answer === "yes");
    };
  });
}

function formValues(dialog) {
  const values = {};
  for (const input of dialog.querySelectorAll("[data-block]")) {
    const block = input.dataset.block;
    const kind = input.dataset.kind;
    if (kind === "checkboxes") {
      values[block] = [...input.querySelectorAll("input:checked")].map((i) => i.value);
    } else if (kind.startsWith("multi_")) {
      values[block] = [...input.querySelector("select").selectedOptions].map((o) => o.value);
    } else {
      const control = input.querySelector("input, textarea, select");
      if (control) values[block] = control.value;
    }
  }
  return values;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) {
    if (button.dataset.confirm && !(await confirmFirst(JSON.parse(button.dataset.confirm)))) return;
    const ts = button.closest(".message")?.dataset.ts;
    await act({ kind: "press", ts, action: JSON.parse(button.dataset.action) });
    return;
  }
  const zoom = event.target.closest("button[data-zoom]");
  if (zoom) {
    const message = zoom.closest(".message");
    await act({ kind: "zoom", event: zoom.dataset.zoom, meeting_id: message.dataset.meeting });
    return;
  }
  const dialog = $("#modal .dialog");
  if (event.target.closest("[data-close]")) {
    $("#modal").hidden = true;
    await act({ kind: "close", view_id: dialog.dataset.viewId });
  } else if (event.target.closest("[data-submit]")) {
    const result = await act({ kind: "submit", view_id: dialog.dataset.viewId,
                               values: formValues(dialog) });
    for (const el of dialog.querySelectorAll(".error")) el.hidden = true;
    for (const [block, text] of Object.entries(result.errors || {})) {
      const el = dialog.querySelector(`[data-block="${CSS.escape(block)}"] .error`);
      if (el) { el.textContent = text; el.hidden = false; }
    }
  }
});

$("#schedule").addEventListener("click", () => act({ kind: "type", text: "/zoom schedule" }));
$("#composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#message-box");
  const text = box.value;
  box.value = "";
  await act({ kind: "type", text });
});
$("#viewer").addEventListener("change", (event) => {
  viewer = event.target.value;
  history.replaceState(null, "", `?as=${encodeURIComponent(viewer)}`);
  shown = { messages: "", notes: "", modal: null };
  refresh();
});

refresh();
setInterval(refresh, 500);
