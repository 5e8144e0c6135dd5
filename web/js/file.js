// Awaaz web client: filing a complaint.
"use strict";

// --- citizen --------------------------------------------------------------------------

// The form's lists, all at once (on a phone's 400 ms round trips, one after another cost a second), asked once.
let listsAsked = null;
function lists() {
  listsAsked = listsAsked || Promise.all([
    state.categories.length ? state.categories : api("GET", "/v1/categories?kind=complaint").then((r) => r.items),
    state.districts.length ? state.districts : api("GET", "/v1/districts").then((r) => r.items),
    state.publication || api("GET", "/v1/publication"),
  ]).then(([categories, districts, publication]) => { Object.assign(state, { categories, districts, publication }); },
    (e) => { listsAsked = null; throw e; });
  return listsAsked;
}
// Opened straight on the form (a link, a reload): its lists are asked while the other scripts still load.
if ((location.hash || "").startsWith("#/file")) lists().catch(() => {});

// What publishing means, as the server words it, in the page's language.
const publicationTerms = () => (state.lang === "ur" ? state.publication.statement_ur : state.publication.statement);

async function file(main) {
  await lists();
  main.innerHTML = `<h1>${esc(t("file"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("category"))}<input id="q" type="search" placeholder="${esc(t("searchCategory"))}" autocomplete="off"></label>
      <select name="category_id" id="cat" size="6" required aria-label="${esc(t("category"))}"></select>
      <label>${esc(t("district"))}<select name="district" id="dist" required aria-describedby="dist-needed">
        <option value="">${esc(t("chooseDistrict"))}</option>
        ${state.districts.map((d) => `<option value="${esc(d.id)}">${esc(named(d))}</option>`).join("")}</select></label>
      <small id="dist-needed" class="needed" hidden>${esc(t("districtNeeded"))}</small>
      <section id="similar" aria-live="polite"></section>
      <label>${esc(t("subject"))}<input name="subject" required minlength="3" maxlength="150"></label>
      <label>${esc(t("description"))}<textarea name="description" required minlength="10" maxlength="4000" rows="5"></textarea></label>
      <label>${esc(t("address"))}<input name="address" maxlength="300" autocomplete="street-address"></label>
      <label>${esc(t("attachments"))}<input name="files" type="file" multiple accept="image/jpeg,image/png,application/pdf,video/mp4"></label>
      <fieldset class="stack"><legend>${esc(t("publication"))}</legend>
        <p id="terms">${esc(publicationTerms())}</p>
        <label class="check"><input type="checkbox" name="publish" value="true"> ${esc(t("publishIt"))}</label>
        <label class="check"><input type="checkbox" name="public_name" value="true"> ${esc(t("showName"))}</label>
      </fieldset>
      <button>${esc(t("send"))}</button>
    </form>`;
  const cat = main.querySelector("#cat");
  const fill = (q) => {
    const needle = q.trim().toLowerCase();
    cat.innerHTML = state.categories
      .filter((c) => !needle || [c.name, c.name_ur, c.group].join(" ").toLowerCase().includes(needle))
      .map((c) => `<option value="${esc(c.id)}">${esc(named(c))}</option>`).join("");
  };
  // The browser's own bubble for an unchosen problem, in the page's language.
  const categoryChosen = () => cat.setCustomValidity(cat.value ? "" : t("categoryNeeded"));
  fill("");
  categoryChosen();
  main.querySelector("#q").oninput = (ev) => { fill(ev.target.value); categoryChosen(); };
  // No district is chosen for the citizen: a wrong one would send the complaint to another city's office.
  const dist = main.querySelector("#dist");
  const needed = main.querySelector("#dist-needed");
  const districtChosen = () => {
    const chosen = Boolean(dist.value);
    dist.setCustomValidity(chosen ? "" : t("districtNeeded")); // the browser's own bubble says it in the page's language
    needed.hidden = chosen;
    dist.setAttribute("aria-invalid", String(!chosen));
    return chosen;
  };
  dist.setCustomValidity(t("districtNeeded"));
  dist.addEventListener("invalid", districtChosen);
  const similar = async () => {
    if (!cat.value || !dist.value) return;
    const text = main.querySelector("[name=description]").value;
    const found = await api("GET", `/v1/similar-complaints?category_id=${encodeURIComponent(cat.value)}&district=${encodeURIComponent(main.querySelector("#dist").value)}&text=${encodeURIComponent(text)}`);
    main.querySelector("#similar").innerHTML = `<h2>${esc(t("similar"))}</h2>` + (found.items.length
      ? `<ul>${found.items.map((s) => `<li><strong>${esc(s.id)}</strong> — ${esc(s.subject)} (${esc(statusText(s.status))})</li>`).join("")}</ul>`
      : `<p>${esc(t("noSimilar"))}</p>`) +
      (found.others.count ? `<p>${esc(t("othersLikeIt"))} ${esc(num(found.others.count))}</p>` : "");
  };
  cat.onchange = () => { categoryChosen(); similar(); };
  dist.onchange = () => { districtChosen(); similar(); };
  const form = main.querySelector("#f");
  const key = filingKey();
  const uploads = uploadsOnce();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (!districtChosen()) return dist.focus();
    const f = new FormData(form);
    sending(form, async () => {
      const attachments = await uploads([...form.elements.files.files].slice(0, 5));
      const out = await api("POST", "/v1/complaints", {
        category_id: f.get("category_id"), subject: f.get("subject"), description: f.get("description"),
        location: { district: f.get("district"), address: f.get("address") || null }, attachments,
        publish: f.get("publish") === "true", public_name: f.get("public_name") === "true",
      }, key.headers());
      key.filed();
      state.flash = [`${esc(t("submitted"))} <strong>${esc(out.id)}</strong>`, "ok"];
      location.hash = `#/case/${encodeURIComponent(out.id)}`;
    }, (e) => say(problem(e, { district: t("district"), subject: t("subject"), description: t("description") }), "error"));
  };
}
