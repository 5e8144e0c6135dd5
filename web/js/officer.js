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
  const found = await api("GET", `/v1/officer/cases?${query}`);
  main.innerHTML = `<h1>${esc(t("queue"))}</h1>
    <form id="filters" class="row"><label>${esc(t("kind"))}<select name="kind">
      ${["", "complaint", "information", "feedback"].map((k) => `<option value="${k}" ${params.get("kind") === k ? "selected" : ""}>${esc(k ? term(k) : t("all"))}</option>`).join("")}</select></label>
      <label><input type="checkbox" name="overdue" value="true" ${params.get("overdue") ? "checked" : ""}> ${esc(t("overdueOnly"))}</label>
      <button>${esc(t("send"))}</button></form>` +
    (found.items.length ? `<ul class="cards">${found.items.map((c) => `
      <li class="${urgencyClass(c)}"><a href="#/officer/${esc(c.id)}"><strong>${asTyped(c.id)}</strong> ${userText(c.subject)}</a>
        <span class="badge">${esc(statusText(c.status))}</span>
        <small>${esc(t("due"))}: ${esc(day(c.due_at))}${urgencyText(c)}</small></li>`).join("")}</ul>` : `<p>${esc(t("none"))}</p>`);
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
  const c = await api("GET", `/v1/officer/cases/${encodeURIComponent(id)}`);
  const contact = c.citizen_contact ? `<p><small>${c.citizen_contact.phone ? asTyped(c.citizen_contact.phone) : ""} ${c.citizen_contact.email ? asTyped(c.citizen_contact.email) : ""}</small></p>` : "";
  const actions = c.allowed_actions;
  const form = actions.length ? `<form id="act" class="stack"><h2>${esc(t("action"))}</h2>
      <label>${esc(t("action"))}<select name="action" id="action">${actions.map((a) => `<option value="${esc(a.action)}">${esc(labelOf(a))}</option>`).join("")}</select></label>
      <div id="extra" class="stack"></div>
      <button>${esc(t("act"))}</button></form>` : "";
  main.innerHTML = caseHead(c) + contact + form + timeline(c.timeline);
  if (!actions.length) return;
  const chosen = () => actions.find((a) => a.action === main.querySelector("#action").value);
  const show = () => { main.querySelector("#extra").innerHTML = actionFields(chosen()); };
  show();
  main.querySelector("#action").onchange = show;
  const act = main.querySelector("#act");
  act.onsubmit = (ev) => { ev.preventDefault(); perform(chosen(), c, act, ev.submitter); };
}

