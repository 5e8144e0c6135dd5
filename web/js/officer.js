// Awaaz web client: the office's queue and an officer's case.
"use strict";

// --- officer --------------------------------------------------------------------------

// How urgent a case is comes from the server (the same rule its sweeper reminds offices by).
const URGENCY = { on_time: ["on-time", "onTime"], due_soon: ["nearly-due", "dueSoon"], overdue: ["overdue", "overdue"] };
const urgencyClass = (c) => (URGENCY[c.urgency] || [""])[0];
const urgencyText = (c) => (c.urgency ? ` — ${esc(t(URGENCY[c.urgency][1]))}` : "");

async function queue(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams({ limit: "50" });
  for (const k of ["kind", "overdue"]) if (params.get(k)) query.set(k, params.get(k));
  const [found] = await Promise.all([api("GET", `/v1/officer/cases?${query}`), suggestScripts().catch(() => {})]);
  main.innerHTML = `<h1>${esc(t("queue"))}</h1>
    <form id="filters" class="row"><label>${esc(t("kind"))}<select name="kind">
      ${["", "complaint", "information", "feedback"].map((k) => `<option value="${k}" ${params.get("kind") === k ? "selected" : ""}>${esc(k ? term(k) : t("all"))}</option>`).join("")}</select></label>
      <label class="check"><input type="checkbox" name="overdue" value="true" ${params.get("overdue") ? "checked" : ""}> ${esc(t("overdueOnly"))}</label>
      <button>${esc(t("show"))}</button></form>` +
    (found.items.length ? `<ul class="cards">${found.items.map((c) => `
      <li class="${urgencyClass(c)}"><a href="#/officer/${esc(c.id)}"><strong>${asTyped(c.id)}</strong> ${userText(c.subject)}</a>
        <span class="badge">${esc(statusText(c.status))}</span>${c.moderation_flagged && typeof flagBadge === "function" ? ` ${flagBadge()}` : ""}
        <small>${esc(t("due"))}: ${esc(day(c.due_at))}${urgencyText(c)}</small>${c.affected > 1 ? ` <small class="badge">${esc(affectedText(c.affected))}</small>` : ""}</li>`).join("")}</ul>` : `<p>${esc(t("none"))}</p>`);
  main.insertAdjacentHTML("afterbegin", officeTabs("queue"));
  main.querySelector("#filters").onsubmit = (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const q = new URLSearchParams();
    if (f.get("kind")) q.set("kind", f.get("kind"));
    if (f.get("overdue")) q.set("overdue", "true");
    location.hash = `#/queue?${q}`;
  };
}

async function officerCase(main, id) {
  const [c] = await Promise.all([api("GET", `/v1/officer/cases/${encodeURIComponent(id)}`), suggestScripts().catch(() => {})]);
  const contact = c.citizen_contact ? `<p><small>${c.citizen_contact.phone ? asTyped(c.citizen_contact.phone) : ""} ${c.citizen_contact.email ? asTyped(c.citizen_contact.email) : ""}</small></p>` : "";
  const actions = c.allowed_actions;
  const form = actions.length ? `<form id="act" class="stack"><h2>${esc(t("action"))}</h2>
      <label>${esc(t("action"))}<select name="action" id="action">${actions.map((a) => `<option value="${esc(a.action)}">${esc(labelOf(a))}</option>`).join("")}</select></label>
      <div id="extra" class="stack"></div>
      <button>${esc(t("act"))}</button></form>` : "";
  await answersKnown(c);
  main.innerHTML = caseHead(c) + contact + form + timeline(c.timeline);
  mergeForm(main, c);
  if (typeof moderationPanel === "function") moderationPanel(main, c); // the flag moderation put on its text (suggest.js)
  if (!actions.length) {
    main.querySelector("h1").insertAdjacentHTML("afterend", readOnlyNote(c));
    return;
  }
  const chosen = () => actions.find((a) => a.action === main.querySelector("#action").value);
  const show = () => {
    main.querySelector("#extra").innerHTML = actionFields(chosen());
    armPickers(main.querySelector("#extra"));
  };
  show();
  main.querySelector("#action").onchange = show;
  const act = main.querySelector("#act");
  act.onsubmit = (ev) => { ev.preventDefault(); perform(chosen(), c, act, ev.submitter); };
}


// A case the office can only read (out of its hands, or finished): it says so above everything else.
function readOnlyNote(c) {
  const elsewhere = c.office && state.me && state.me.office_id && c.office.id !== state.me.office_id;
  return `<p class="message readonly">${esc(t(elsewhere ? "readOnlyElsewhere" : "readOnlyDone"))} <a href="#/history">${esc(t("history"))}</a></p>`;
}

// The office's two lists: what it has now, and what it let go.
function officeTabs(current) {
  const tabs = [["queue", t("openCases")], ["history", t("history")], ["topics", t("topicsNav")]];
  return `<nav class="tabs" aria-label="${esc(t("queue"))}">${tabs.map(([route, label]) =>
    `<a href="#/${route}" ${route === current ? 'aria-current="page"' : ""}>${esc(label)}</a>`).join("")}</nav>`;
}

// --- history: the cases the office let go, newest first, read-only ----------------------

function historyLine(c) {
  const now = `${statusText(c.status)}${c.office && c.office.id !== c.handled_by.id ? ` — ${named(c.office)}` : ""}`;
  return `<li class="done"><a href="#/officer/${esc(c.id)}"><strong>${esc(c.id)}</strong> <bdi>${esc(c.subject)}</bdi></a>
    <span class="badge">${esc(t("outcomes")[c.outcome] || c.outcome)}</span>
    <small>${esc(t("leftOn"))}: ${esc(day(c.left_at))} · ${esc(t("handledBy"))}: ${esc(named(c.handled_by))}</small>
    <small>${esc(t("nowAt"))}: ${esc(now)}</small></li>`;
}

async function officeHistory(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams({ limit: "25" });
  for (const k of ["kind", "outcome"]) if (params.get(k)) query.set(k, params.get(k));
  const found = await api("GET", `/v1/officer/history?${query}`);
  const option = (value, label, chosen) => `<option value="${esc(value)}" ${chosen === value ? "selected" : ""}>${esc(label)}</option>`;
  main.innerHTML = officeTabs("history") + `<h1>${esc(t("historyTitle"))}</h1><p>${esc(t("historyHint"))}</p>
    <form id="hfilters" class="row">
      <label>${esc(t("kind"))}<select name="kind">${["", "complaint", "information", "feedback"].map((k) => option(k, k ? term(k) : t("all"), params.get("kind") || "")).join("")}</select></label>
      <label>${esc(t("outcome"))}<select name="outcome">${option("", t("all"), params.get("outcome") || "")}${Object.entries(t("outcomes")).map(([k, label]) => option(k, label, params.get("outcome"))).join("")}</select></label>
      <button>${esc(t("show"))}</button></form>
    <ul class="cards" id="history">${found.items.map(historyLine).join("")}</ul>
    ${found.items.length ? "" : `<p>${esc(t("none"))}</p>`}
    <button type="button" class="plain" id="more" ${found.next_cursor ? "" : "hidden"}>${esc(t("more"))}</button>`;
  main.querySelector("#hfilters").onsubmit = (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams([...new FormData(ev.target)].filter(([, v]) => v));
    location.hash = `#/history?${q}`;
  };
  let cursor = found.next_cursor;
  const more = main.querySelector("#more");
  more.onclick = () => sending(more.parentNode, async () => {
    const page = await api("GET", `/v1/officer/history?${query}&cursor=${encodeURIComponent(cursor)}`);
    main.querySelector("#history").insertAdjacentHTML("beforeend", page.items.map(historyLine).join(""));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }, (e) => say(problem(e), "error"));
}

// --- a long list of choices, searchable (a transfer's offices) ----------------------------
// Type part of a name, in English or Urdu (or of its organisation's name): the matching choices
// show, 30 at most, each with its organisation and whether that organisation is only asked.
// The chosen value goes in a hidden input of the field's name; the server checks it all the same.

const PICKER_SHOWN = 30;
const pickerFields = {};
const fold = (text) => String(text ?? "").toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "");

function pickerHtml(f, text) {
  const id = `pick-${esc(f.name)}`;
  pickerFields[f.name] = f;
  return `<div class="picker" data-field="${esc(f.name)}">
    <label for="${id}">${text}</label>
    <input type="search" id="${id}" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="${id}-list"
      aria-describedby="${id}-hint" autocomplete="off" ${f.required ? 'required aria-required="true"' : ""}>
    <small id="${id}-hint">${esc(t("pickHint"))}</small>
    <input type="hidden" name="${esc(f.name)}">
    <ul role="listbox" id="${id}-list" class="options" aria-label="${esc(labelOf(f))}" hidden></ul>
    <p class="chosen" aria-live="polite"></p>
  </div>`;
}

// A required picker with nothing chosen says so in the page's language when the form is sent.
function armPickers(root) {
  for (const input of root.querySelectorAll(".picker [role=combobox][required]")) input.setCustomValidity(t("pickFromList"));
}

function groupOf(f, c) {
  return (f.groups || []).find((g) => g.value === c.group);
}

function pickerMatches(f, typed) {
  const words = fold(typed).split(/\s+/).filter(Boolean);
  return f.choices.filter((c) => {
    if (c.hay === undefined) {
      const g = groupOf(f, c) || {};
      c.hay = fold([c.label, c.label_ur, c.value, g.label, g.label_ur].join(" "));
    }
    return words.every((w) => c.hay.includes(w));
  });
}

function showOptions(box) {
  const f = pickerFields[box.dataset.field];
  const input = box.querySelector("[role=combobox]");
  const list = box.querySelector("[role=listbox]");
  const found = pickerMatches(f, input.value);
  const line = (c, i) => {
    const g = groupOf(f, c);
    const about = g ? `${labelOf(g)}${g.request ? ` — ${t("asksThem")}` : ""}` : "";
    return `<li role="option" id="${list.id}-${i}" tabindex="-1" data-value="${esc(c.value)}" aria-selected="false">
      <span>${esc(labelOf(c))}</span>${about ? `<small>${esc(about)}</small>` : ""}</li>`;
  };
  const rest = found.length - PICKER_SHOWN;
  list.innerHTML = found.slice(0, PICKER_SHOWN).map(line).join("") +
    (rest > 0 ? `<li role="option" aria-disabled="true" class="more">${esc(t("moreMatches").replace("{n}", num(rest)))}</li>` : "") +
    (found.length ? "" : `<li role="option" aria-disabled="true" class="more">${esc(t("noMatch"))}</li>`);
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
  input.removeAttribute("aria-activedescendant");
}

function closeOptions(box) {
  box.querySelector("[role=listbox]").hidden = true;
  box.querySelector("[role=combobox]").setAttribute("aria-expanded", "false");
}

function pickOption(box, li) {
  const f = pickerFields[box.dataset.field];
  const c = f.choices.find((x) => String(x.value) === li.dataset.value);
  if (!c) return;
  const g = groupOf(f, c);
  const input = box.querySelector("[role=combobox]");
  input.value = labelOf(c);
  input.setCustomValidity("");
  box.querySelector("input[type=hidden]").value = c.value;
  box.querySelector(".chosen").textContent = `${t("chosen")} ${labelOf(c)}${f.plain ? "" : ` — ${t(g && g.request ? "asksThem" : "movesNow")}`}`;
  closeOptions(box);
  input.focus();
}

document.addEventListener("input", (ev) => {
  const box = ev.target.closest && ev.target.closest(".picker");
  if (!box || ev.target.getAttribute("role") !== "combobox") return;
  box.querySelector("input[type=hidden]").value = "";
  box.querySelector(".chosen").textContent = "";
  if (ev.target.required || ev.target.value) ev.target.setCustomValidity(t("pickFromList"));
  else ev.target.setCustomValidity("");
  showOptions(box);
});
document.addEventListener("focusin", (ev) => {
  const box = ev.target.closest && ev.target.closest(".picker");
  // Opens on coming in, unless a choice is made (picking one brings the focus back here).
  if (!box || ev.target.getAttribute("role") !== "combobox" || box.querySelector("input[type=hidden]").value) return;
  if (box.querySelector("[role=listbox]").hidden) showOptions(box);
});
document.addEventListener("focusout", (ev) => {
  const box = ev.target.closest && ev.target.closest(".picker");
  if (box && !box.contains(ev.relatedTarget)) closeOptions(box);
});
document.addEventListener("click", (ev) => {
  const li = ev.target.closest && ev.target.closest(".picker [role=option][data-value]");
  if (li) pickOption(li.closest(".picker"), li);
});
document.addEventListener("keydown", (ev) => {
  const box = ev.target.closest && ev.target.closest(".picker");
  if (!box || ev.target.getAttribute("role") !== "combobox") return;
  const list = box.querySelector("[role=listbox]");
  const options = [...list.querySelectorAll("[role=option][data-value]")];
  const active = list.querySelector("[aria-selected=true]");
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    if (list.hidden) showOptions(box);
    const at = options.indexOf(active) + (ev.key === "ArrowDown" ? 1 : -1);
    const next = options[Math.max(0, Math.min(options.length - 1, at))];
    if (!next) return;
    if (active) active.setAttribute("aria-selected", "false");
    next.setAttribute("aria-selected", "true");
    ev.target.setAttribute("aria-activedescendant", next.id);
    next.scrollIntoView({ block: "nearest" });
  } else if (ev.key === "Enter" && !list.hidden && active) {
    ev.preventDefault();
    pickOption(box, active);
  } else if (ev.key === "Escape") {
    closeOptions(box);
  }
});
