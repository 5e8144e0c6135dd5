// Awaaz web client: notifications, information requests and feedback.
"use strict";

async function notifications(main) {
  const found = await api("GET", "/v1/notifications?limit=50");
  main.innerHTML = `<h1>${esc(t("notifications"))}</h1>` + (found.items.length
    ? `<ul class="cards">${found.items.map((n) => `<li><time datetime="${esc(n.at)}">${esc(when(n.at))}</time><p dir="auto">${esc(n.message)}</p>
        ${n.case_id ? `<a href="${esc(caseLink(n.case_id))}">${asTyped(n.case_id)}</a>` : ""}</li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
}

async function organisations() {
  const tree = (await api("GET", "/v1/organisations")).items;
  return tree.flatMap((level) => level.organisations.map((o) => ({ ...o, offices: flatten(o.offices) })));
}

function flatten(offices) {
  return offices.flatMap((o) => [o, ...flatten(o.offices || [])]);
}

async function information(main) {
  const [orgs, found] = await Promise.all([organisations(), api("GET", "/v1/information-requests?limit=50")]);
  main.innerHTML = `<h1>${esc(t("information"))}</h1><p>${esc(t("informationHint"))}</p>
    <form id="f" class="stack" data-draft>
      <label>${esc(t("organisation"))}<select name="organisation_id" required>
        ${orgs.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("")}</select></label>
      <label>${esc(t("subject"))}<input name="subject" required minlength="3" maxlength="150"></label>
      <label>${esc(t("question"))}<textarea name="question" required minlength="10" maxlength="4000" rows="4"></textarea></label>
      <button>${esc(t("send"))}</button></form>
    <h2>${esc(t("myRequests"))}</h2>` + (found.items.length ? `<ul class="cards">${found.items.map((r) => `
      <li><a href="#/request/${esc(r.id)}"><strong>${asTyped(r.id)}</strong> ${userText(r.subject)}</a>
        <span class="badge">${esc(statusText(r.status))}</span> <small>${esc(t("due"))}: ${esc(day(r.due_at))}</small></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
  const form = main.querySelector("#f");
  const key = filingKey();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    sending(form, async () => {
      const out = await api("POST", "/v1/information-requests", body, key.headers());
      key.filed();
      dropDraft(form);
      state.flash = [`${esc(t("requestReceived"))} <strong>${asTyped(out.id)}</strong>`, "ok"];
      location.hash = `#/request/${encodeURIComponent(out.id)}`;
    }, (e) => say(problem(e, { subject: t("subject"), question: t("question") }), "error"));
  };
}

async function requestView(main, id) {
  const r = await api("GET", `/v1/information-requests/${encodeURIComponent(id)}`);
  const answer = r.answer ? `<h2>${esc(t("answer"))}</h2><p dir="auto">${esc(r.answer.note)}</p>` : "";
  main.innerHTML = caseHead({ ...r, description: r.question }) + answer + citizenForms(r) + timeline(r.timeline);
  bindCitizenForms(main, r);
}

async function feedback(main) {
  const [orgs, found] = await Promise.all([organisations(), api("GET", "/v1/feedback?limit=50")]);
  main.innerHTML = `<h1>${esc(t("feedbackNav"))}</h1>
    <form id="f" class="stack" data-draft>
      <label>${esc(t("kind"))}<select name="kind" id="kind">
        ${["appreciation", "suggestion", "rating"].map((k) => `<option value="${k}">${esc(t(k))}</option>`).join("")}</select></label>
      <label>${esc(t("organisation"))}<select name="organisation_id" id="org">
        ${orgs.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("")}</select></label>
      <label>${esc(t("office"))}<select name="office_id" id="office"></select></label>
      <label>${esc(t("message"))}<textarea name="message" required maxlength="2000" rows="3"></textarea></label>
      <label id="rating-field" hidden>${esc(t("rating"))}<input name="rating" type="number" min="1" max="5" value="4"></label>
      <button>${esc(t("send"))}</button></form>
    <h2>${esc(t("myFeedback"))}</h2>` + (found.items.length ? `<ul class="cards">${found.items.map((f) => `
      <li><strong>${asTyped(f.id)}</strong> ${userText(f.subject)} <span class="badge">${esc(statusText(f.status))}</span></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
  const offices = () => {
    const org = orgs.find((o) => o.id === main.querySelector("#org").value);
    main.querySelector("#office").innerHTML = `<option value="">—</option>` +
      (org ? org.offices.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("") : "");
  };
  offices();
  main.querySelector("#org").onchange = offices;
  main.querySelector("#kind").onchange = (ev) => { main.querySelector("#rating-field").hidden = ev.target.value !== "rating"; };
  const form = main.querySelector("#f");
  const key = filingKey();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
    if (f.kind === "rating") f.rating = Number(f.rating); else delete f.rating;
    // The page has no view of one feedback: it draws itself again, the new one at the head of the list.
    sending(form, async () => {
      const out = await api("POST", "/v1/feedback", f, key.headers());
      key.filed();
      dropDraft(form);
      state.flash = [`${esc(t("thanks"))} <strong>${asTyped(out.id)}</strong>`, "ok"];
      await render();
    }, (e) => say(problem(e, { message: t("message"), rating: t("rating") }), "error"));
  };
}

