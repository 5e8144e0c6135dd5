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

// The picker's "I'm not sure" choice, once suggest.js has loaded (it adds it then).
const notSure = () => (typeof notSureOption === "function" ? notSureOption() : "");

// What publishing means, as the server words it, in the page's language.
const publicationTerms = () => (state.lang === "ur" ? state.publication.statement_ur : state.publication.statement);

async function file(main) {
  await lists();
  main.innerHTML = `<h1>${esc(t("file"))}</h1>
    <form id="f" class="stack" data-draft>
      <section id="suggested" class="suggested" aria-live="polite" hidden></section>
      <label>${esc(t("category"))}<input id="q" type="search" placeholder="${esc(t("searchCategory"))}" autocomplete="off"></label>
      <select name="category_id" id="cat" size="6" required aria-label="${esc(t("category"))}"></select>
      <div id="questions" class="stack"></div>
      <label>${esc(t("district"))}<select name="district" id="dist" required aria-describedby="dist-needed">
        <option value="">${esc(t("chooseDistrict"))}</option>
        ${state.districts.map((d) => `<option value="${esc(d.id)}">${esc(named(d))}</option>`).join("")}</select></label>
      <small id="dist-needed" class="needed" hidden>${esc(t("districtNeeded"))}</small>
      ${whereButtons()}
      <section id="similar" aria-live="polite"></section>
      <label>${esc(t("subject"))}<input name="subject" required minlength="3" maxlength="150"></label>
      <label>${esc(t("description"))}<textarea name="description" required minlength="10" maxlength="4000" rows="5"></textarea></label>
      <label>${esc(t("address"))}<input name="address" maxlength="300" autocomplete="street-address"></label>
      <label>${esc(t("attachments"))}<input name="files" type="file" multiple accept="${ACCEPT}"></label>
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
      .map((c) => `<option value="${esc(c.id)}">${esc(named(c))}</option>`).join("") + notSure();
  };
  // The browser's own bubble for an unchosen problem, in the page's language.
  const categoryChosen = () => cat.setCustomValidity(cat.value ? "" : t("categoryNeeded"));
  const asked = main.querySelector("#questions");
  const category = () => state.categories.find((c) => c.id === cat.value);
  const ask = () => { if (asked.dataset.category !== cat.value) showQuestions(asked, category()); };
  fill("");
  categoryChosen();
  ask();
  main.querySelector("#q").oninput = (ev) => { fill(ev.target.value); categoryChosen(); ask(); };
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
    if (!cat.value || cat.value === "not-sure" || !dist.value) return;
    const text = main.querySelector("[name=description]").value;
    const subject = main.querySelector("[name=subject]").value;
    const point = where.point();
    const near = point.lat !== undefined && point.lat !== null ? `&lat=${point.lat}&lon=${point.lon}` : "";
    let found;
    try {
      found = await api("GET", `/v1/similar-complaints?category_id=${encodeURIComponent(cat.value)}&district=${encodeURIComponent(main.querySelector("#dist").value)}&text=${encodeURIComponent(`${subject} ${text}`.trim())}${near}`);
    } catch (e) {
      return; // offline or refused: the list is a help, never in the way of filing (asked again as the citizen types on)
    }
    metooScripts().then(() => showSimilar(main.querySelector("#similar"), found), () => {}); // js/metoo.js: near-duplicates offer "Me too"
  };
  // What the citizen writes is compared too (a pause in typing asks again).
  let typing = null;
  for (const name of ["subject", "description"]) {
    main.querySelector(`[name=${name}]`).addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(similar, 600); });
  }
  const where = whereFinder(main, dist, () => { districtChosen(); similar(); });
  cat.onchange = () => { categoryChosen(); ask(); similar(); };
  dist.onchange = () => { districtChosen(); where.chosen(); similar(); };
  // Suggestions above the picker, from what the citizen types, and "I'm not sure" (suggest.js, loaded after the paint).
  suggestScripts().then(() => suggestCategories(main, () => fill(main.querySelector("#q").value)), () => {});
  const form = main.querySelector("#f");
  const key = filingKey();
  const uploads = uploadsOnce();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (!districtChosen()) return dist.focus();
    if (!questionsAnswered(asked)) return;
    const f = new FormData(form);
    const answers = answersTo(asked, category());
    sending(form, async () => {
      // With no network, the complaint waits in the outbox (offline.js) and is sent when the connection returns.
      const out = await fileOrQueue({
        category_id: f.get("category_id"), subject: f.get("subject"), description: f.get("description"),
        location: { district: f.get("district"), address: f.get("address") || null, ...where.point() }, attributes: answers,
        publish: f.get("publish") === "true", public_name: f.get("public_name") === "true",
      }, [...form.elements.files.files].slice(0, 5), key, uploads);
      key.filed();
      dropDraft(form);
      if (!out) {
        state.flash = [esc(t("queued")), "ok"];
        location.hash = "#/";
        return;
      }
      state.flash = [`${esc(t("submitted"))} <strong>${asTyped(out.id)}</strong>`, "ok"];
      location.hash = `#/case/${encodeURIComponent(out.id)}`;
    }, (e) => say(problem(e, { district: t("district"), subject: t("subject"), description: t("description"), ...questionLabels(category()) }), "error"));
  };
}

// --- the category's questions (its Open311 service definition, from GET /v1/categories) ---------

const saidIn = (a, key) => (state.lang === "ur" && a[`${key}_ur`]) || a[key] || "";
const questionsOf = (category) => (category && category.attributes) || [];
const questionLabels = (category) => Object.fromEntries(questionsOf(category).map((a) => [`attributes.${a.code}`, saidIn(a, "description")]));
// Digits as the server reads them: Urdu (۰–۹) and Arabic-Indic (٠–٩) digits, and the Arabic decimal point, in ASCII.
const asciiDigits = (text) => text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/٫/g, ".").replace(/^−/, "-");
const NUMBER = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function questionField(a) {
  const id = `attr-${a.code}`;
  const name = `attr.${a.code}`;
  const required = a.required ? " required" : "";
  const mark = `<span class="${a.required ? "required" : "optional"}">(${esc(t(a.required ? "required" : "optional"))})</span>`;
  const hint = saidIn(a, "datatype_description");
  const hintHtml = hint ? `<small id="${esc(id)}-hint" class="hint">${esc(hint)}</small>` : "";
  const described = hint ? ` aria-describedby="${esc(id)}-hint"` : "";
  if (a.datatype === "singlevaluelist" || a.datatype === "multivaluelist") {
    const type = a.datatype === "singlevaluelist" ? "radio" : "checkbox";
    return `<fieldset class="question" data-code="${esc(a.code)}"${a.required ? ' data-required="true"' : ""}${described}>
      <legend>${esc(saidIn(a, "description"))} ${mark}</legend>${hintHtml}
      ${(a.values || []).map((v) => `<label class="check"><input type="${type}" name="${esc(name)}" value="${esc(v.key)}"${type === "radio" ? required : ""}> ${esc(named(v))}</label>`).join("")}
    </fieldset>`;
  }
  const field = a.datatype === "text"
    ? `<textarea id="${esc(id)}" name="${esc(name)}" rows="3" maxlength="500"${required}${described}></textarea>`
    : a.datatype === "datetime"
      ? `<input id="${esc(id)}" name="${esc(name)}" type="datetime-local"${required}${described}>`
      : a.datatype === "number"
        ? `<input id="${esc(id)}" name="${esc(name)}" inputmode="decimal" maxlength="30" data-number="true"${required}${described}>`
        : `<input id="${esc(id)}" name="${esc(name)}" maxlength="500"${required}${described}>`;
  return `<div class="question" data-code="${esc(a.code)}"><label for="${esc(id)}"><span>${esc(saidIn(a, "description"))} ${mark}</span></label>${field}${hintHtml}</div>`;
}

function showQuestions(box, category) {
  box.dataset.category = category ? category.id : "";
  const questions = [...questionsOf(category)].sort((a, b) => a.order - b.order);
  box.innerHTML = questions.map(questionField).join("");
  box.hidden = !questions.length;
  // The browser's own bubbles, in the page's language.
  for (const input of box.querySelectorAll("[data-number]")) {
    input.oninput = () => input.setCustomValidity(!input.value.trim() || NUMBER.test(asciiDigits(input.value.trim())) ? "" : t("numberNeeded"));
  }
  for (const input of box.querySelectorAll("input[type=radio][required]")) {
    input.setCustomValidity(t("answerNeeded"));
    input.addEventListener("change", () => { for (const r of box.querySelectorAll(`[name="${CSS.escape(input.name)}"]`)) r.setCustomValidity(""); });
  }
  for (const input of box.querySelectorAll("input:not([type]), textarea, input[type=datetime-local]")) {
    if (!input.required) continue;
    const check = () => input.setCustomValidity(input.value.trim() ? "" : t("answerNeeded"));
    check();
    input.addEventListener("input", check);
  }
}

// A required list of checkboxes has no browser check of its own: the first box carries it.
function questionsAnswered(box) {
  for (const set of box.querySelectorAll("fieldset[data-required]")) {
    const boxes = [...set.querySelectorAll("input[type=checkbox]")];
    if (!boxes.length) continue;
    boxes[0].setCustomValidity(boxes.some((b) => b.checked) ? "" : t("answerNeeded"));
    if (!boxes[0].reportValidity()) return false;
  }
  return true;
}

function answersTo(box, category) {
  const out = {};
  for (const a of questionsOf(category)) {
    const inputs = [...box.querySelectorAll(`[name="${CSS.escape(`attr.${a.code}`)}"]`)];
    let answer = a.datatype === "multivaluelist" || a.datatype === "singlevaluelist"
      ? inputs.filter((i) => i.checked).map((i) => i.value).join(",")
      : (inputs[0] ? inputs[0].value.trim() : "");
    if (a.datatype === "number") answer = asciiDigits(answer);
    if (answer) out[a.code] = answer;
  }
  return out;
}

// --- where the problem is: "use my location", or a pin on a map -----------------------------------

const whereButtons = () => `<div class="row where">
    <button type="button" class="plain" id="here">${esc(t("useLocation"))}</button>
    <button type="button" class="plain" id="pin" aria-expanded="false" aria-controls="map">${esc(t("pinOnMap"))}</button>
  </div>
  <p id="where-said" class="hint" role="status" aria-live="polite"></p>
  <div id="map" class="map" role="application" aria-label="${esc(t("mapLabel"))}" tabindex="0" hidden></div>`;

// Finds the district for a point (GET /v1/districts/locate) and fills the select; `filled()` after a change.
// `point()` is the lat/lon to send (nothing once the citizen chooses a district the point is not in).
function whereFinder(main, dist, filled) {
  const said = main.querySelector("#where-said");
  const box = main.querySelector("#map");
  const pinButton = main.querySelector("#pin");
  let placed = null; // { lat, lon, districts: [ids] }
  let map = null;
  const tell = (html, kind = "") => { said.innerHTML = html; said.className = `hint ${kind}`; };
  const round = (x) => Math.round(x * 1e5) / 1e5;
  const locate = async (lat, lon) => {
    lat = round(lat); lon = round(lon);
    try {
      const found = await api("GET", `/v1/districts/locate?lat=${lat}&lon=${lon}`);
      placed = { lat, lon, districts: found.candidates.map((d) => d.id) };
      if (found.district) {
        dist.value = found.district.id;
        tell(`${esc(t("foundIn"))} <strong>${esc(named(found.district))}</strong>${esc(t("fullStop"))} ${esc(t("pointSent"))}`, "ok");
      } else {
        if (!placed.districts.includes(dist.value)) dist.value = "";
        tell(`${esc(t("chooseAmong"))} <strong>${found.candidates.map((d) => esc(named(d))).join("، ")}</strong>`, "warn");
      }
      filled();
    } catch (e) {
      placed = null;
      tell(esc(e.message || t("mapFailed")), "bad");
    }
  };
  main.querySelector("#here").onclick = () => {
    if (!navigator.geolocation) return tell(esc(t("locationNone")), "bad");
    tell(esc(t("locating")));
    navigator.geolocation.getCurrentPosition(
      (pos) => { locate(pos.coords.latitude, pos.coords.longitude); if (map) map.put(pos.coords.latitude, pos.coords.longitude); },
      (err) => tell(esc(t(err.code === 1 ? "locationDenied" : "locationFailed")), "bad"),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  };
  pinButton.onclick = async () => {
    if (map) {
      map.close(); map = null;
      pinButton.textContent = t("pinOnMap"); pinButton.setAttribute("aria-expanded", "false");
      return;
    }
    tell(esc(t("mapLoading")));
    pinButton.disabled = true;
    try {
      map = await pinMap(box, locate);
      pinButton.textContent = t("closeMap"); pinButton.setAttribute("aria-expanded", "true");
      if (placed) map.put(placed.lat, placed.lon); // and what was said of it stays said
      else tell(esc(t("mapHint")));
    } catch (e) {
      tell(esc(t("mapFailed")), "bad");
    } finally {
      pinButton.disabled = false;
    }
  };
  return {
    point: () => (placed && placed.districts.includes(dist.value) ? { lat: placed.lat, lon: placed.lon } : {}),
    chosen: () => {
      if (placed && dist.value && !placed.districts.includes(dist.value)) { placed = null; tell(esc(t("pointDropped")), "warn"); }
    },
  };
}
