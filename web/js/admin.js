// Awaaz web client: administration, for admins and organisation admins: the directory's offices, the
// routing rules and fallbacks (each change checked by a dry run before it applies), the offices' staff,
// the audit trail and (admins only) the queues. core.js loads this file, its texts (js/i18n-admin.js)
// and its styles (admin.css) when an admin page is first opened: nobody else downloads them.
"use strict";

for (const lang of ["en", "ur"]) Object.assign(window.AWAAZ_TEXT[lang], (window.AWAAZ_ADMIN_TEXT || {})[lang] || {});

const adminState = { dir: null, readAt: 0, sub: null };
const plural = (key, n) => { const forms = t(key); return (forms[new Intl.PluralRules(locale()).select(n)] || forms.other).replace("{n}", num(n)); };
const fill = (text, values) => Object.entries(values).reduce((s, [k, v]) => s.split(`{${k}}`).join(v), esc(text));

async function adminPage(main, page) {
  const views = { directory: adminDirectory, rules: adminRules, staff: adminStaff, audit: adminAudit, queues: adminQueues, report: (page) => insightScripts().then(() => gapReport(page)) };
  const shown = views[page] ? page : "directory";
  if (ADMIN_PAGES.find(([p]) => p === shown)[1] && state.me.role !== "admin") throw { status: 403, message: t("adminsOnly"), details: [] };
  main.classList.add("admin");
  await views[shown](main);
  main.insertAdjacentHTML("afterbegin", `<nav class="tabs" aria-label="${esc(t("administration"))}">${ADMIN_PAGES
    .filter(([, admins]) => !admins || state.me.role === "admin")
    .map(([p]) => `<a href="#/admin/${p}" ${p === shown ? 'aria-current="page"' : ""}>${esc(t(`admin_${p}`))}</a>`).join("")}</nav>`);
}

// --- the directory, as the service last gave it ---------------------------------------------
// Read again when a page opens (unless read in the last 20 s) and after every change; every change
// names the version it was made from (If-Match), so that one made meanwhile by someone else is a 409.

function indexed(d) {
  const by = (list) => new Map((list || []).map((x) => [x.id, x]));
  const x = { ...d, office: by(d.offices), org: by(d.organisations), district: by(d.districts), level: by(d.levels),
    category: by(d.categories), rule: new Map(), fallback: new Map(), children: new Map() };
  for (const r of d.routing_rules || []) x.rule.set(`${r.category_id}|${r.district_id}`, r.office_id);
  for (const f of d.fallbacks || []) x.fallback.set(f.category_id, f.office_id);
  for (const o of d.offices || []) {
    const under = o.parent_id && x.office.has(o.parent_id) ? o.parent_id : `org:${o.organisation_id}`;
    if (!x.children.has(under)) x.children.set(under, []);
    x.children.get(under).push(o);
  }
  return x;
}

async function directory(fresh = false) {
  // An organisation admin sees their organisation's part: what another person read is never shown.
  if (fresh || !adminState.dir || adminState.sub !== state.me.sub || Date.now() - adminState.readAt > 20_000) {
    adminState.dir = indexed(await api("GET", "/v1/admin/directory"));
    Object.assign(adminState, { readAt: Date.now(), sub: state.me.sub });
  }
  return adminState.dir;
}

window.addEventListener("awaaz:signedout", () => { adminState.dir = null; });

const ifMatch = () => ({ "If-Match": `"${adminState.dir.version}"` });
const nameIn = (map, id) => { const x = id && map.get(id); return x ? named(x) : id || "—"; };
const byName = (a, b) => named(a).localeCompare(named(b), locale());

// A request the page's api() cannot make (a CSV sent or saved): the same session, refreshed once on a 401.
async function adminFetch(method, path, { body, type, headers = {} } = {}, again = false) {
  if (state.session && Date.now() >= refreshDue(state.session)) {
    await refreshSession().catch((e) => { if (e.code === "session_ended") throw e; });
  }
  const sent = { Accept: "application/json", "Accept-Language": state.lang, ...headers };
  if (state.token) sent.Authorization = `Bearer ${state.token}`;
  if (type) sent["Content-Type"] = type;
  let response;
  try {
    response = await fetch(API + path, { method, headers: sent, body });
  } catch (e) {
    throw { status: 0, message: t("offline"), details: [] };
  }
  if (response.status === 401 && state.token) {
    if (again) throw sessionEnded();
    await refreshSession();
    return adminFetch(method, path, { body, type, headers }, true);
  }
  if (!response.ok) {
    const error = ((await response.json().catch(() => null)) || {}).error || {};
    throw { status: response.status, code: error.code, message: error.message || t("error"), details: error.details || [] };
  }
  return response;
}

// A change to the directory. A 409 means someone else changed it meanwhile: it is read again (the
// page redraws what it shows of it) and the form keeps what was typed, to be checked and sent again.
async function directoryWrite(method, path, body, csv = false) {
  try {
    if (csv) return await (await adminFetch(method, path, { body, type: "text/csv", headers: ifMatch() })).json();
    return await api(method, path, body, ifMatch());
  } catch (e) {
    if (e.status !== 409 && e.status !== 412) throw e;
    await directory(true).catch(() => {});
    throw { ...e, code: "directory_changed", message: t("directoryChanged"), details: [] };
  }
}

function adminProblem(e, form = sendingForm) {
  if (e.code === "directory_changed") return esc(t("directoryChanged"));
  return problem(e, {}, form && form.tagName === "FORM" ? form : null);
}

// A CSV the service writes, saved as a file (the link carries the session's token, so it is fetched here).
async function download(path, name) {
  const response = await adminFetch("GET", path, { headers: { Accept: "text/csv" } });
  const given = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "");
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: given ? given[1] : name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  say(fill(t("downloaded"), { name: asTyped(link.download) }));
}

// A question in the page, next to what asked it (the browser's own dialog would speak the browser's
// language); resolves true when confirmed. Focus goes to the confirming button, and back afterwards.
function confirmHere(anchor, question, yes) {
  for (const open of document.querySelectorAll(".confirm")) open.remove();
  return new Promise((done) => {
    const box = document.createElement("div");
    box.className = "confirm";
    box.setAttribute("role", "group");
    box.innerHTML = `<p id="confirm-q">${question}</p><div class="row"><button type="button" data-yes>${esc(yes)}</button>
      <button type="button" class="plain" data-no>${esc(t("cancel"))}</button></div>`;
    box.setAttribute("aria-labelledby", "confirm-q");
    anchor.after(box);
    box.querySelector("[data-yes]").focus();
    box.onclick = (ev) => {
      const b = ev.target.closest("button");
      if (!b) return;
      box.remove();
      done(b.hasAttribute("data-yes"));
    };
  });
}

// One button's request: the button rests while it runs; a failure is said at the top.
async function busy(button, work) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await work();
  } catch (e) {
    if (e.code !== "session_ended") say(adminProblem(e, null), "error");
  } finally {
    button.disabled = false;
  }
}

// What a change does to routing: pairs (category, district) moving from one office to another, pairs
// left with no office (in red), and the service's problems with it.
function routeReport(res, d) {
  res = res || {};
  const changes = res.changed_routes || [];
  const lost = res.unroutable || [];
  const problems = res.problems || [];
  const pair = (r) => `${userText(nameIn(d.category, r.category_id))} · ${userText(nameIn(d.district, r.district_id))}`;
  const office = (id) => (id ? userText(nameIn(d.office, id)) : `<span class="unrouted">${esc(t("notRouted"))}</span>`);
  let html = `<p>${esc(changes.length ? plural("routesChange", changes.length) : t("noRouteChanges"))}</p>`;
  if (changes.length) html += `<ul class="changes">${changes.map((r) => `<li>${pair(r)}: ${office(r.from_office_id)} <span aria-hidden="true">${state.lang === "ur" ? "←" : "→"}</span><span class="visually-hidden">${esc(t("becomes"))}</span> ${office(r.to_office_id)}</li>`).join("")}</ul>`;
  if (lost.length) html += `<p class="unrouted">${esc(plural("leftUnrouted", lost.length))}</p><ul class="changes">${lost.map((r) => `<li>${pair(r)}</li>`).join("")}</ul>`;
  if (problems.length) html += `<p class="unrouted">${esc(t("problemsFound"))}</p><ul class="problems">${problems.map((p) => `<li>${p.field ? `${asTyped(p.field)}: ` : ""}${esc(p.problem)}</li>`).join("")}</ul>`;
  return html;
}

const routeWords = (res) => (!res ? "" : [res.changed_routes && res.changed_routes.length ? plural("routesChange", res.changed_routes.length) : "",
  res.unroutable && res.unroutable.length ? plural("leftUnrouted", res.unroutable.length) : ""].filter(Boolean).map(esc).join(" "));

// The searchable office picker (officer.js) for a list of offices, grouped by organisation.
function officeField(name, label, offices, d, required = true) {
  const orgs = [...new Set(offices.map((o) => o.organisation_id))].map((id) => d.org.get(id)).filter(Boolean);
  return pickerHtml({ name, label, label_ur: label, required, plain: true,
    choices: offices.map((o) => ({ value: o.id, label: o.name, label_ur: o.name_ur, group: o.organisation_id })),
    groups: orgs.map((o) => ({ value: o.id, label: o.name, label_ur: o.name_ur })) }, esc(label));
}

// A picker shown with a value already chosen (the page's address names it).
function pickerChose(root, name, value, label) {
  const box = root.querySelector(`.picker[data-field="${CSS.escape(name)}"]`);
  if (!box || !value) return;
  box.querySelector("input[type=hidden]").value = value;
  const input = box.querySelector("[role=combobox]");
  input.value = label;
  input.setCustomValidity("");
}

const liveOffices = (d) => [...d.office.values()].filter((o) => !o.retired).sort(byName);

// --- #/admin/directory: levels → organisations → offices ------------------------------------

async function adminDirectory(main) {
  await directory();
  main.innerHTML = `<h1>${esc(t("admin_directory"))}</h1><p class="hint">${esc(t("directoryHint"))}</p>
    <section id="office-form-box" aria-live="polite"></section>
    <label>${esc(t("findOffice"))}<input type="search" id="find" autocomplete="off"></label>
    <p id="found" class="hint" aria-live="polite"></p>
    <div id="tree"></div>`;
  const find = main.querySelector("#find");
  const draw = () => {
    const { html, count } = directoryTree(adminState.dir, find.value);
    main.querySelector("#tree").innerHTML = html;
    main.querySelector("#found").textContent = find.value.trim() ? plural("officesFound", count) : "";
  };
  let timer = null;
  find.oninput = () => { clearTimeout(timer); timer = setTimeout(draw, 150); };
  draw();
  main.querySelector("#tree").onclick = (ev) => {
    const b = ev.target.closest("button[data-act]");
    if (!b) return;
    const o = adminState.dir.office.get(b.dataset.id);
    if (b.dataset.act === "add") officeForm(main, draw, { parent: o, organisation: o ? o.organisation_id : b.dataset.org });
    if (b.dataset.act === "edit") officeForm(main, draw, { office: o });
    if (b.dataset.act === "retire") retireOffice(b, o, draw);
  };
}

function directoryTree(d, query) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const hit = (x, more = "") => words.every((w) => fold([x.name, x.name_ur, x.id, more].join(" ")).includes(w));
  const memo = new Map();
  let count = 0;
  const shows = (o) => {
    if (!words.length) return true;
    if (memo.has(o.id)) return memo.get(o.id);
    memo.set(o.id, false);
    const district = d.district.get(o.district_id) || {};
    const self = hit(o, `${district.name || ""} ${district.name_ur || ""}`);
    if (self) count += 1;
    const shown = (d.children.get(o.id) || []).map(shows).some(Boolean) || self;
    memo.set(o.id, shown);
    return shown;
  };
  const open = words.length ? "open" : "";
  const officeLi = (o) => {
    const kids = (d.children.get(o.id) || []).filter(shows).sort(byName);
    const served = (o.districts_served || []).map((id) => nameIn(d.district, id)).join(state.lang === "ur" ? "، " : ", ");
    return `<li class="office${o.retired ? " retired" : ""}"><details ${open}><summary>${userText(named(o))}
      ${o.retired ? `<span class="badge gone">${esc(t("retired"))}</span>` : ""} <small>${userText(nameIn(d.district, o.district_id))}</small></summary>
      <dl class="facts"><dt>${esc(t("officeId"))}</dt><dd>${asTyped(o.id)}</dd>
        <dt>${esc(t("district"))}</dt><dd>${userText(nameIn(d.district, o.district_id))}</dd>
        <dt>${esc(t("head"))}</dt><dd>${o.head ? userText(o.head) : "—"}</dd>
        <dt>${esc(t("districtsServed"))}</dt><dd>${served ? userText(served) : "—"}</dd></dl>
      ${o.retired ? "" : `<div class="row actions">
        <button type="button" class="plain" data-act="add" data-id="${esc(o.id)}">${esc(t("addUnder"))}</button>
        <button type="button" class="plain" data-act="edit" data-id="${esc(o.id)}">${esc(t("edit"))}</button>
        <button type="button" class="secondary" data-act="retire" data-id="${esc(o.id)}">${esc(t("retire"))}</button></div>`}
      ${kids.length ? `<ul class="tree">${kids.map(officeLi).join("")}</ul>` : ""}</details></li>`;
  };
  const levels = [...d.level.values()].map((level) => {
    const orgs = [...d.org.values()].filter((g) => g.level_id === level.id).sort(byName).map((g) => {
      const tops = (d.children.get(`org:${g.id}`) || []).filter(shows).sort(byName);
      if (words.length && !tops.length && !hit(g)) return "";
      return `<li class="org"><details ${open}><summary>${userText(named(g))} ${g.retired ? `<span class="badge gone">${esc(t("retired"))}</span>` : ""}
        <small>${plural("officeCount", (d.offices || []).filter((o) => o.organisation_id === g.id).length)}</small></summary>
        ${g.retired ? "" : `<button type="button" class="plain" data-act="add" data-org="${esc(g.id)}">${esc(t("addOffice"))}</button>`}
        ${tops.length ? `<ul class="tree">${tops.map(officeLi).join("")}</ul>` : ""}</details></li>`;
    }).join("");
    return orgs ? `<details class="level" ${open}><summary>${userText(named(level))}</summary><ul class="tree">${orgs}</ul></details>` : "";
  }).join("");
  return { html: levels || `<p>${esc(t(words.length ? "nothingFound" : "none"))}</p>`, count };
}

// Adding an office under another (or at an organisation's top), or changing one.
function officeForm(main, redraw, { office, parent, organisation }) {
  const d = adminState.dir;
  const box = main.querySelector("#office-form-box");
  const o = office || { name: "", name_ur: "", district_id: parent ? parent.district_id : "", districts_served: [], head: "" };
  const adding = !office;
  const where = adding ? (parent ? named(parent) : nameIn(d.org, organisation)) : named(office);
  const districts = [...d.district.values()].sort(byName);
  const served = new Set(o.districts_served || []);
  box.innerHTML = `<form id="office-form" class="stack panel" data-draft="${esc(adding ? `add-${parent ? parent.id : organisation}` : `edit-${office.id}`)}">
    <h2>${fill(t(adding ? "addUnderTitle" : "editTitle"), { name: userText(where) })}</h2>
    <label>${esc(t("nameEn"))}<input name="name" required maxlength="200" value="${esc(o.name)}" lang="en" dir="ltr"></label>
    <label>${esc(t("nameUr"))}<input name="name_ur" required maxlength="200" value="${esc(o.name_ur)}" lang="ur" dir="rtl"></label>
    <label>${esc(t("district"))}<select name="district_id" required><option value="">${esc(t("pickDistrict"))}</option>
      ${districts.map((x) => `<option value="${esc(x.id)}" ${x.id === o.district_id ? "selected" : ""}>${esc(named(x))}</option>`).join("")}</select></label>
    <fieldset class="served"><legend>${esc(t("districtsServed"))}</legend>
      <label>${esc(t("findDistrict"))}<input type="search" class="served-find" autocomplete="off"></label>
      <p class="hint served-count" aria-live="polite"></p>
      <div class="checks">${districts.map((x) => `<label class="check" data-hay="${esc(fold(`${x.name} ${x.name_ur} ${x.id}`))}">
        <input type="checkbox" name="districts_served" value="${esc(x.id)}" ${served.has(x.id) ? "checked" : ""}> <bdi>${esc(named(x))}</bdi></label>`).join("")}</div>
    </fieldset>
    <label>${esc(t("head"))} <small class="opt">(${esc(t("optional"))})</small><input name="head" maxlength="200" value="${esc(o.head || "")}"></label>
    <div class="row"><button>${esc(t(adding ? "addOffice" : "save"))}</button>
      <button type="button" class="plain" data-act="cancel">${esc(t("cancel"))}</button></div></form>`;
  const form = box.querySelector("form");
  const count = () => { form.querySelector(".served-count").textContent = plural("districtsChosen", form.querySelectorAll("[name=districts_served]:checked").length); };
  count();
  form.onchange = count;
  form.querySelector(".served-find").oninput = (ev) => {
    const words = fold(ev.target.value).split(/\s+/).filter(Boolean);
    for (const label of form.querySelectorAll(".checks label")) label.hidden = !words.every((w) => label.dataset.hay.includes(w));
  };
  form.querySelector("[data-act=cancel]").onclick = () => { dropDraft(form); box.innerHTML = ""; };
  form.querySelector("[name=name]").focus();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    sending(form, async () => {
      const f = new FormData(form);
      const body = { name: f.get("name").trim(), name_ur: f.get("name_ur").trim(), district_id: f.get("district_id"),
        districts_served: f.getAll("districts_served"), head: f.get("head").trim() || null };
      if (adding) Object.assign(body, { organisation_id: parent ? parent.organisation_id : organisation, parent_id: parent ? parent.id : null });
      const res = await directoryWrite(adding ? "POST" : "PUT", adding ? "/v1/admin/offices" : `/v1/admin/offices/${encodeURIComponent(office.id)}`, body);
      dropDraft(form);
      box.innerHTML = "";
      await directory(true);
      redraw();
      say(`${fill(t(adding ? "officeAdded" : "officeSaved"), { name: userText(body.name && state.lang === "ur" ? body.name_ur : body.name) })} ${routeWords(res)}`);
    }, (e) => {
      say(adminProblem(e), "error");
      if (e.code === "directory_changed") redraw();
    });
  };
}

async function retireOffice(button, o, redraw) {
  const asked = await confirmHere(button.parentNode, fill(t("retireAsk"), { name: userText(named(o)) }), t("retire"));
  if (!asked) { button.focus(); return; }
  await busy(button, async () => {
    try {
      const res = await directoryWrite("POST", `/v1/admin/offices/${encodeURIComponent(o.id)}/retire`, {});
      await directory(true);
      say(`${fill(t("officeRetired"), { name: userText(named(o)) })} ${routeWords(res)}`);
    } finally {
      redraw();
    }
  });
}

// --- #/admin/rules: which office each district's complaints of a category go to -----------------

async function adminRules(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const d = await directory();
  const categories = [...d.category.values()].filter((c) => !c.retired).sort(byName);
  const groups = [...new Map(categories.map((c) => [c.group, { value: c.group, label: c.group, label_ur: c.group_ur }])).values()];
  const c = d.category.get(params.get("category") || "");
  main.innerHTML = `<h1>${esc(t("admin_rules"))}</h1><p class="hint">${esc(t("rulesHint"))}</p>
    <form id="pick" class="stack">${pickerHtml({ name: "category", label: t("pickCategory"), label_ur: t("pickCategory"), required: true, plain: true,
      choices: categories.map((x) => ({ value: x.id, label: x.name, label_ur: x.name_ur, group: x.group })), groups }, esc(t("pickCategory")))}
      <button>${esc(t("show"))}</button></form>
    <section id="rules"></section>
    <details class="csv panel"><summary>${esc(t("csvTitle"))}</summary>
      <div class="row"><button type="button" class="plain" data-csv="/v1/admin/routing-rules/export" data-name="routing-rules.csv">${esc(t("exportRules"))}</button>
        <button type="button" class="plain" data-csv="/v1/admin/offices/export" data-name="offices.csv">${esc(t("exportOffices"))}</button></div>
      <form id="import" class="stack"><label>${esc(t("importFile"))}<input type="file" name="file" accept=".csv,text/csv"></label>
        <p class="hint" id="import-name" aria-live="polite"></p>
        <button>${esc(t("check"))}</button>
        <div class="report" aria-live="polite"></div>
        <button type="button" data-act="apply" hidden>${esc(t("applyFile"))}</button></form>
    </details>`;
  armPickers(main.querySelector("#pick"));
  if (c) pickerChose(main, "category", c.id, named(c));
  main.querySelector("#pick").onsubmit = (ev) => {
    ev.preventDefault();
    const chosen = new FormData(ev.target).get("category");
    if (chosen) location.hash = `#/admin/rules?category=${encodeURIComponent(chosen)}`;
  };
  for (const b of main.querySelectorAll("[data-csv]")) b.onclick = () => busy(b, () => download(b.dataset.csv, b.dataset.name));
  importForm(main.querySelector("#import"), () => c && drawRules(main, c));
  if (c) drawRules(main, c);
}

function routeOf(d, c, district) {
  const rule = d.rule.get(`${c.id}|${district.id}`);
  if (rule) return { kind: "rule", office: rule };
  const fallback = d.fallback.get(c.id);
  return fallback ? { kind: "fallback", office: fallback } : { kind: "none" };
}

function drawRules(main, c) {
  const d = adminState.dir;
  const box = main.querySelector("#rules");
  const districts = [...d.district.values()].sort(byName);
  const offices = liveOffices(d).filter((o) => !(c.organisation_ids || []).length || c.organisation_ids.includes(o.organisation_id));
  const fallbackNow = (d) => {
    const office = d.fallback.get(c.id);
    return `${esc(t("fallback"))}: ${office ? userText(nameIn(d.office, office)) : `<strong class="unrouted">${esc(t("noFallback"))}</strong>`}`;
  };
  const line = (x, d = adminState.dir) => {
    const r = routeOf(d, c, x);
    const said = r.kind === "rule" ? userText(nameIn(d.office, r.office))
      : r.kind === "fallback" ? `${esc(t("fallbackTo"))} ${userText(nameIn(d.office, r.office))}` : `<strong class="unrouted">${esc(t("notRouted"))}</strong>`;
    return `<li class="route ${r.kind}" data-district="${esc(x.id)}" data-hay="${esc(fold(`${x.name} ${x.name_ur} ${x.id}`))}">
      <strong>${userText(named(x))}</strong> <span>${said}</span>
      <div class="row actions"><button type="button" class="plain" data-act="change">${esc(t("changeRoute"))}</button>
      ${r.kind === "rule" ? `<button type="button" class="secondary" data-act="delete">${esc(t("deleteRule"))}</button>` : ""}</div></li>`;
  };
  box.innerHTML = `<h2>${userText(named(c))}</h2>
    <p id="fallback-now">${fallbackNow(d)}</p>
    <details class="panel"><summary>${esc(t("setFallback"))}</summary>
      <form id="fallback" class="stack">${officeField("fallback_office", t("fallbackOffice"), offices, d)}
        <button>${esc(t("setFallback"))}</button></form></details>
    <label>${esc(t("findDistrict"))}<input type="search" id="district-find" autocomplete="off"></label>
    <ul class="cards routes">${districts.map((x) => line(x)).join("")}</ul>`;
  armPickers(box);
  const redraw = () => drawRules(main, c);
  // After someone else's change (a 409): where each district's complaints go now; open forms keep their choice.
  const freshen = () => {
    const now = adminState.dir;
    box.querySelector("#fallback-now").innerHTML = fallbackNow(now);
    for (const li of box.querySelectorAll("li.route")) {
      const made = document.createElement("template");
      made.innerHTML = line(now.district.get(li.dataset.district) || d.district.get(li.dataset.district), now);
      const fresh = made.content.firstElementChild;
      li.className = fresh.className;
      li.querySelector(":scope > span").replaceWith(fresh.querySelector(":scope > span"));
      li.querySelector(":scope > .actions").replaceWith(fresh.querySelector(":scope > .actions"));
    }
  };
  box.querySelector("#district-find").oninput = (ev) => {
    const words = fold(ev.target.value).split(/\s+/).filter(Boolean);
    for (const li of box.querySelectorAll("li.route")) li.hidden = !words.every((w) => li.dataset.hay.includes(w));
  };
  const fb = box.querySelector("#fallback");
  fb.onsubmit = (ev) => {
    ev.preventDefault();
    sending(fb, async () => {
      const office = new FormData(fb).get("fallback_office");
      const res = await directoryWrite("PUT", `/v1/admin/fallbacks/${encodeURIComponent(c.id)}`, { office_id: office });
      await directory(true);
      redraw();
      say(`${fill(t("fallbackSet"), { name: userText(nameIn(adminState.dir.office, office)) })} ${routeWords(res)}`);
    }, (e) => { say(adminProblem(e), "error"); if (e.code === "directory_changed") freshen(); });
  };
  box.querySelector(".routes").onclick = async (ev) => {
    const b = ev.target.closest("button[data-act]");
    if (!b) return;
    const li = b.closest("li.route");
    const district = adminState.dir.district.get(li.dataset.district) || d.district.get(li.dataset.district);
    if (b.dataset.act === "change") changeForm(li, c, district, offices, redraw, freshen);
    if (b.dataset.act === "delete") {
      const asked = await confirmHere(b.parentNode, fill(t("deleteAsk"), { district: userText(named(district)) }), t("deleteRule"));
      if (!asked) { b.focus(); return; }
      await busy(b, async () => {
        const res = await directoryWrite("DELETE", `/v1/admin/routing-rules/${encodeURIComponent(c.id)}/${encodeURIComponent(district.id)}`);
        await directory(true);
        say(`${fill(t("ruleDeleted"), { district: userText(named(district)) })} ${routeWords(res)}`);
      });
      if (adminState.dir !== d) redraw(); // changed, or read again after someone else's change
    }
  };
}

// Changing where one district's complaints go: Check (the dry run) shows what would change; Apply does it.
function changeForm(li, c, district, offices, redraw, freshen) {
  const d = adminState.dir;
  for (const open of document.querySelectorAll("form.change")) open.remove();
  li.insertAdjacentHTML("beforeend", `<form class="stack change panel">
    ${officeField("to_office", t("routeTo").replace("{district}", named(district)), offices, d)}
    <div class="row"><button>${esc(t("check"))}</button><button type="button" class="plain" data-act="cancel">${esc(t("cancel"))}</button></div>
    <div class="report" aria-live="polite"></div>
    <button type="button" data-act="apply" hidden>${esc(t("apply"))}</button></form>`);
  const form = li.querySelector("form.change");
  armPickers(form);
  const apply = form.querySelector("[data-act=apply]");
  const path = `/v1/admin/routing-rules/${encodeURIComponent(c.id)}/${encodeURIComponent(district.id)}`;
  form.querySelector("[role=combobox]").focus();
  form.addEventListener("input", () => { apply.hidden = true; form.querySelector(".report").innerHTML = ""; });
  form.querySelector("[data-act=cancel]").onclick = () => { form.remove(); li.querySelector("[data-act=change]").focus(); };
  form.onsubmit = (ev) => {
    ev.preventDefault();
    sending(form, async () => {
      const office = new FormData(form).get("to_office");
      const res = await directoryWrite("PUT", `${path}?dry_run=true`, { office_id: office });
      form.querySelector(".report").innerHTML = `<h3>${esc(t("dryRunTitle"))}</h3>${routeReport(res, adminState.dir)}`;
      apply.hidden = Boolean((res.problems || []).length);
      apply.dataset.office = office;
      if (!apply.hidden) apply.focus();
    }, (e) => { say(adminProblem(e), "error"); if (e.code === "directory_changed") freshen(); });
  };
  apply.onclick = () => sending(form, async () => {
    const res = await directoryWrite("PUT", path, { office_id: apply.dataset.office });
    await directory(true);
    redraw();
    say(`${fill(t("ruleSaved"), { district: userText(named(district)), name: userText(nameIn(adminState.dir.office, apply.dataset.office)) })} ${routeWords(res)}`);
  }, (e) => {
    say(adminProblem(e), "error");
    if (e.code === "directory_changed") { apply.hidden = true; form.querySelector(".report").innerHTML = ""; freshen(); }
  });
}

// A CSV of routing rules: checked first (a dry run: what it would change), then applied.
function importForm(form, redraw) {
  const input = form.querySelector("input[type=file]");
  const report = form.querySelector(".report");
  const apply = form.querySelector("[data-act=apply]");
  let text = null;
  input.onchange = () => {
    form.querySelector("#import-name").innerHTML = input.files[0] ? `${esc(t("chosen"))} ${asTyped(input.files[0].name)}` : "";
    report.innerHTML = "";
    apply.hidden = true;
  };
  form.onsubmit = (ev) => {
    ev.preventDefault();
    sending(form, async () => {
      if (!input.files[0]) { say(esc(t("chooseCsv")), "error"); return; }
      text = await input.files[0].text();
      const res = await directoryWrite("POST", "/v1/admin/routing-rules/import?dry_run=true", text, true);
      report.innerHTML = `<h3>${esc(t("dryRunTitle"))}</h3>${res.rows !== undefined ? `<p>${esc(plural("rowsRead", res.rows))}</p>` : ""}${routeReport(res, adminState.dir)}`;
      apply.hidden = Boolean((res.problems || []).length);
      if (!apply.hidden) apply.focus();
    }, (e) => { say(adminProblem(e), "error"); });
  };
  apply.onclick = () => sending(form, async () => {
    const res = await directoryWrite("POST", "/v1/admin/routing-rules/import?dry_run=false", text, true);
    await directory(true);
    apply.hidden = true;
    report.innerHTML = "";
    redraw();
    say(`${esc(t("importDone"))} ${routeWords(res)}`);
  }, (e) => { say(adminProblem(e), "error"); apply.hidden = true; });
}

// --- #/admin/staff: an office's people ------------------------------------------------------

const STAFF_ROLES = ["officer", "supervisor", "org_admin"];

async function adminStaff(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const d = await directory();
  const office = d.office.get(params.get("office") || "");
  const page = office ? await api("GET", `/v1/admin/offices/${encodeURIComponent(office.id)}/staff`) : null;
  const roles = STAFF_ROLES.filter((r) => r !== "org_admin" || state.me.role === "admin");
  main.innerHTML = `<h1>${esc(t("admin_staff"))}</h1>
    <form id="pick" class="stack">${officeField("office", t("pickOffice"), [...d.office.values()].sort(byName), d)}<button>${esc(t("show"))}</button></form>
    ${office ? `<h2>${userText(named(office))}</h2>
    <details class="panel" id="invite-box"><summary>${esc(t("inviteTitle"))}</summary>
      <form id="invite" class="stack" data-draft="invite">
        <label>${esc(t("staffName"))}<input name="name" required maxlength="120" autocomplete="off"></label>
        <label>${esc(t("emailOrPhone"))}<input name="contact" required maxlength="254" dir="ltr" autocomplete="off" inputmode="email"></label>
        <label>${esc(t("staffRole"))}<select name="role">${roles.map((r) => `<option value="${r}">${esc(t("staffRoles")[r])}</option>`).join("")}</select></label>
        <label>${esc(t("language"))}<select name="language">${["en", "ur"].map((l) => `<option value="${l}" ${l === state.lang ? "selected" : ""}>${esc(t("langNames")[l])}</option>`).join("")}</select></label>
        <button>${esc(t("invite"))}</button></form></details>
    <ul class="cards" id="staff">${page.items.map(personLi).join("")}</ul>
    ${page.items.length ? "" : `<p id="nobody">${esc(t("noStaff"))}</p>`}
    <button type="button" class="plain" id="more" ${page.next_cursor ? "" : "hidden"}>${esc(t("more"))}</button>` : ""}`;
  armPickers(main.querySelector("#pick"));
  if (office) pickerChose(main, "office", office.id, named(office));
  main.querySelector("#pick").onsubmit = (ev) => {
    ev.preventDefault();
    const chosen = new FormData(ev.target).get("office");
    if (chosen) location.hash = `#/admin/staff?office=${encodeURIComponent(chosen)}`;
  };
  if (!office) return;
  const people = new Map(page.items.map((p) => [p.sub, p]));
  const list = main.querySelector("#staff");
  let cursor = page.next_cursor;
  const more = main.querySelector("#more");
  more.onclick = () => busy(more, async () => {
    const next = await api("GET", `/v1/admin/offices/${encodeURIComponent(office.id)}/staff?cursor=${encodeURIComponent(cursor)}`);
    for (const p of next.items) people.set(p.sub, p);
    list.insertAdjacentHTML("beforeend", next.items.map(personLi).join(""));
    cursor = next.next_cursor;
    more.hidden = !cursor;
  });
  const invite = main.querySelector("#invite");
  invite.onsubmit = (ev) => {
    ev.preventDefault();
    sending(invite, async () => {
      const f = new FormData(invite);
      const contact = f.get("contact").trim();
      const body = { name: f.get("name").trim(), office_id: office.id, role: f.get("role"), language: f.get("language"),
        ...(contact.includes("@") ? { email: contact } : { phone: contact.replace(/[\s-]/g, "") }) };
      const made = await api("POST", "/v1/admin/staff", body);
      dropDraft(invite);
      invite.reset();
      people.set(made.sub, made);
      list.insertAdjacentHTML("afterbegin", personLi(made));
      const nobody = main.querySelector("#nobody");
      if (nobody) nobody.remove();
      say(fill(t("invited"), { contact: asTyped(made.contact || contact) }));
    }, (e) => {
      // The service names the e-mail or the phone; the form has one field for either.
      say(adminProblem({ ...e, details: (e.details || []).map((x) => (/^(email|phone)$/.test(x.field) ? { ...x, field: "contact" } : x)) }), "error");
    });
  };
  list.onclick = (ev) => {
    const b = ev.target.closest("button[data-act]");
    if (b) personAction(b, people, d, office);
  };
}

function personLi(p) {
  const role = p.role === "officer" && p.supervisor ? "supervisor" : p.role;
  const status = p.enabled === false ? "disabled" : p.status || "active";
  const act = (name, label, kind = "plain") => `<button type="button" class="${kind}" data-act="${name}">${esc(t(label))}</button>`;
  return `<li data-sub="${esc(p.sub)}" class="${status === "disabled" ? "done" : ""}"><strong>${userText(p.name)}</strong>
    <span class="badge">${esc(t("staffRoles")[role] || role)}</span> <span class="badge ${status}">${esc(t("staffStatuses")[status] || status)}</span>
    ${p.contact ? `<small>${asTyped(p.contact)}</small>` : ""}
    ${p.invited_at ? `<small>${esc(t("invitedOn"))}: ${esc(day(p.invited_at))}</small>` : ""}
    <div class="row actions">${act("move", "moveOffice")}
      ${p.role === "officer" ? act("supervisor", p.supervisor ? "unmakeSupervisor" : "makeSupervisor") : ""}
      ${p.enabled === false ? act("enable", "enable") : act("disable", "disable", "secondary")}</div></li>`;
}

async function personAction(b, people, d, office) {
  const li = b.closest("li[data-sub]");
  const p = people.get(li.dataset.sub);
  const who = userText(p.name);
  const sub = encodeURIComponent(p.sub);
  const redraw = () => { li.outerHTML = personLi(p); };
  if (b.dataset.act === "move") {
    for (const open of document.querySelectorAll("form.move")) open.remove();
    li.insertAdjacentHTML("beforeend", `<form class="stack move panel">${officeField("move_to", t("moveTo"), liveOffices(d).filter((o) => o.id !== office.id), d)}
      <div class="row"><button>${esc(t("moveOffice"))}</button><button type="button" class="plain" data-act="cancel-move">${esc(t("cancel"))}</button></div></form>`);
    const form = li.querySelector("form.move");
    armPickers(form);
    form.querySelector("[role=combobox]").focus();
    form.querySelector("[data-act=cancel-move]").onclick = () => { form.remove(); b.focus(); };
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const to = new FormData(form).get("move_to");
      const there = userText(nameIn(d.office, to));
      if (!await confirmHere(form.lastElementChild, fill(t("moveAsk"), { name: who, office: there }), t("moveOffice"))) return;
      sending(form, async () => {
        await api("PUT", `/v1/admin/accounts/${sub}/office`, { office_id: to });
        li.remove();
        say(fill(t("moved"), { name: who, office: there }));
      }, (e) => say(adminProblem(e), "error"));
    };
    return;
  }
  const asks = {
    supervisor: [p.supervisor ? "unmakeSupervisorAsk" : "makeSupervisorAsk", p.supervisor ? "unmakeSupervisor" : "makeSupervisor"],
    disable: ["disableAsk", "disable"], enable: ["enableAsk", "enable"],
  }[b.dataset.act];
  if (!await confirmHere(b.parentNode, fill(t(asks[0]), { name: who }), t(asks[1]))) { b.focus(); return; }
  busy(b, async () => {
    if (b.dataset.act === "supervisor") {
      await api("PUT", `/v1/admin/accounts/${sub}/supervisor`, { supervisor: !p.supervisor });
      p.supervisor = !p.supervisor;
      say(fill(t(p.supervisor ? "nowSupervisor" : "noLongerSupervisor"), { name: who }));
    } else {
      await api("POST", `/v1/admin/accounts/${sub}/${b.dataset.act}`);
      p.enabled = b.dataset.act === "enable";
      if (p.status === "disabled" && p.enabled) p.status = "active";
      say(fill(t(p.enabled ? "enabledSaid" : "disabledSaid"), { name: who }));
    }
    redraw();
  });
}

// --- #/admin/audit: who changed what, when ---------------------------------------------------

const AUDIT_OBJECTS = ["organisation", "office", "category", "district", "routing_rule", "fallback", "sla_policy", "routing_rules_import",
  "offices_import", "account", "api_key", "holidays", "complaint", "queue"];
const AUDIT_FILTERS = ["actor", "object_type", "object_id", "from", "to"];

async function adminAudit(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams(AUDIT_FILTERS.filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
  const page = await api("GET", `/v1/admin/audit?${query}`);
  const value = (k) => esc(params.get(k) || "");
  main.innerHTML = `<h1>${esc(t("admin_audit"))}</h1>
    <details class="panel" ${query.toString() ? "open" : ""}><summary>${esc(t("filters"))}</summary>
    <form id="afilters" class="stack">
      <label>${esc(t("actorSub"))}<input name="actor" value="${value("actor")}" dir="ltr" autocomplete="off"></label>
      <label>${esc(t("objectType"))}<select name="object_type"><option value="">${esc(t("all"))}</option>
        ${AUDIT_OBJECTS.map((k) => `<option value="${k}" ${params.get("object_type") === k ? "selected" : ""}>${esc(t("objectTypes")[k])}</option>`).join("")}</select></label>
      <label>${esc(t("objectId"))}<input name="object_id" value="${value("object_id")}" dir="ltr" autocomplete="off"></label>
      <div class="row"><label>${esc(t("fromDate"))}<input type="date" name="from" value="${value("from")}"></label>
        <label>${esc(t("toDate"))}<input type="date" name="to" value="${value("to")}"></label></div>
      <button>${esc(t("show"))}</button></form></details>
    <button type="button" class="plain" id="csv">${esc(t("downloadCsv"))}</button>
    <ul class="cards audit" id="entries">${page.items.map(auditLi).join("")}</ul>
    ${page.items.length ? "" : `<p>${esc(t("none"))}</p>`}
    <button type="button" class="plain" id="more" ${page.next_cursor ? "" : "hidden"}>${esc(t("more"))}</button>`;
  main.querySelector("#afilters").onsubmit = (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams([...new FormData(ev.target)].map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v));
    location.hash = `#/admin/audit?${q}`;
  };
  const csv = main.querySelector("#csv");
  csv.onclick = () => busy(csv, () => download(`/v1/admin/audit/export?${query}`, "audit.csv"));
  let cursor = page.next_cursor;
  const more = main.querySelector("#more");
  more.onclick = () => busy(more, async () => {
    const next = await api("GET", `/v1/admin/audit?${query}${query.toString() ? "&" : ""}cursor=${encodeURIComponent(cursor)}`);
    main.querySelector("#entries").insertAdjacentHTML("beforeend", next.items.map(auditLi).join(""));
    cursor = next.next_cursor;
    more.hidden = !cursor;
  });
}

const shortJson = (v) => { const s = typeof v === "string" ? v : JSON.stringify(v); return s.length > 160 ? `${s.slice(0, 157)}…` : s; };

// Before → after, only the keys that changed (a whole value when either side is not an object).
function auditDiff(before, after) {
  const object = (v) => v && typeof v === "object" && !Array.isArray(v);
  if (!object(before) || !object(after)) {
    const side = (v) => (v === null || v === undefined ? `<em>${esc(t("nothing"))}</em>` : asTyped(shortJson(v)));
    return `<p class="diff">${side(before)} <span aria-hidden="true">${state.lang === "ur" ? "←" : "→"}</span><span class="visually-hidden">${esc(t("becomes"))}</span> ${side(after)}</p>`;
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!keys.length) return `<p>${esc(t("noChanges"))}</p>`;
  const side = (o, k) => (k in o ? asTyped(shortJson(o[k])) : `<em>${esc(t("nothing"))}</em>`);
  return `<dl class="diff">${keys.map((k) => `<dt>${asTyped(k)}</dt><dd><del>${side(before, k)}</del>
    <span aria-hidden="true">${state.lang === "ur" ? "←" : "→"}</span><span class="visually-hidden">${esc(t("becomes"))}</span> <ins>${side(after, k)}</ins></dd>`).join("")}</dl>`;
}

// An action in words when its last part is a known verb ("office.retire" → "Office: retired"); as named otherwise.
function actionText(a) {
  const verb = String(a.action || "").split(/[.:/]/).pop();
  const said = t("auditVerbs")[verb];
  return said ? esc(`${(t("objectTypes") || {})[a.object_type] || a.object_type}: ${said}`) : asTyped(a.action);
}

function auditLi(a) {
  const who = a.actor_name ? userText(a.actor_name) : asTyped(a.actor_sub || "—");
  return `<li><strong>${actionText(a)}</strong> <small>${esc(when(a.at))}</small>
    <dl class="facts"><dt>${esc(t("who"))}</dt><dd>${who} <span class="badge">${esc(t("staffRoles")[a.actor_role] || a.actor_role || "")}</span></dd>
      <dt>${esc(t("what"))}</dt><dd>${esc((t("objectTypes") || {})[a.object_type] || a.object_type)} ${asTyped(a.object_id || "")}</dd></dl>
    <details><summary>${esc(t("beforeAfter"))}</summary>${auditDiff(a.before, a.after)}
      <p class="hint">${esc(t("actionCode"))}: ${asTyped(a.action)}</p>
      <p class="hint">${esc(t("fromWhere"))}: ${asTyped(a.source_ip || "—")}</p><p class="hint">${asTyped(a.user_agent || "—")}</p>
      ${a.actor_sub ? `<p class="hint">${esc(t("actorSub"))}: ${asTyped(a.actor_sub)}</p>` : ""}</details></li>`;
}

// --- #/admin/queues (admins only): what waits to be done, what failed ---------------------------

function age(seconds) {
  if (seconds === null || seconds === undefined) return t("notMeasured");
  if (seconds < 120) return plural("ageSeconds", Math.round(seconds));
  if (seconds < 7200) return plural("ageMinutes", Math.round(seconds / 60));
  if (seconds < 172800) return plural("ageHours", Math.round(seconds / 3600));
  return plural("ageDays", Math.round(seconds / 86400));
}

async function adminQueues(main) {
  const found = await api("GET", "/v1/admin/queues");
  const figure = (label, value) => `<dt>${esc(t(label))}</dt><dd>${esc(value)}</dd>`;
  const card = (q) => `<li class="queue${q.dlq && q.dlq.depth > 0 ? " failing" : ""}" data-queue="${esc(q.name)}">
    <h2>${esc((t("queueNames") || {})[q.name] || q.name)}</h2>
    <dl class="facts">${figure("waiting", num(q.depth))}${figure("inFlight", num(q.in_flight))}${figure("delayed", num(q.delayed))}${figure("oldest", age(q.oldest_age_seconds))}</dl>
    ${q.dlq ? `<p class="dlq">${q.dlq.depth > 0 ? `<strong class="unrouted">${esc(plural("dlqFailed", q.dlq.depth))}</strong>` : esc(t("dlqEmpty"))}
      ${q.dlq.depth > 0 ? `<small>${esc(t("oldest"))}: ${esc(age(q.dlq.oldest_age_seconds))}</small>` : ""}</p>
    ${q.dlq.depth > 0 ? `<button type="button" data-act="replay">${esc(t("replay"))}</button>` : ""}` : ""}</li>`;
  const overdue = (found.overdue || []).filter((o) => o.overdue).sort((a, b) => b.overdue - a.overdue)
    .map((o) => ({ label: named(o), overdue: o.overdue }));
  main.innerHTML = `<h1>${esc(t("admin_queues"))}</h1>
    <p class="hint">${esc(t("measuredAt"))}: ${esc(when(found.at))}</p>
    <button type="button" class="plain" id="refresh">${esc(t("refresh"))}</button>
    <ul class="cards queues">${found.queues.map(card).join("")}</ul>
    <h2>${esc(t("overdueByOrg"))}</h2>${overdue.length ? bars(overdue, ["overdue"], ["#a4161a"], t("overdueByOrg")) : `<p>${esc(t("noOverdue"))}</p>`}`;
  main.querySelector("#refresh").onclick = () => render();
  main.querySelector(".queues").onclick = async (ev) => {
    const b = ev.target.closest("button[data-act=replay]");
    if (!b) return;
    const name = b.closest("[data-queue]").dataset.queue;
    const label = (t("queueNames") || {})[name] || name;
    if (!await confirmHere(b, fill(t("replayAsk"), { queue: esc(label) }), t("replay"))) { b.focus(); return; }
    busy(b, async () => {
      const done = await api("POST", `/v1/admin/queues/${encodeURIComponent(name)}/redrive`);
      state.flash = [[plural("replayMoved", done.moved), plural("replaySkipped", done.skipped_duplicates), plural("replayRemaining", done.remaining)].map(esc).join(" ")];
      await render();
    });
  };
}
