// Awaaz web client: category suggestions on the filing form, "I'm not sure", the triage page, and the
// moderation flag officers see and clear (issue 15; docs/insights.md). Texts: js/i18n-suggest.js.
"use strict";

// The texts merge into the page's; the timeline's new steps into both views of a case's steps.
(() => {
  const mine = window.AWAAZ_SUGGEST_TEXT || {};
  for (const lang of Object.keys(mine)) {
    const page = window.AWAAZ_TEXT[lang] || (window.AWAAZ_TEXT[lang] = {});
    const { events, ...texts } = mine[lang];
    Object.assign(page, texts);
    page.statuses = { ...(page.statuses || {}), ...events };
    page.officerStatuses = { ...(page.officerStatuses || {}), ...events };
  }
})();

// The category a citizen files when they cannot tell (the server then suggests one, or a person chooses).
const NOT_SURE = "not-sure";
// Suggestions are asked once the description says this much, a moment after the citizen stops typing.
const SUGGEST_FROM = 12;
const SUGGEST_AFTER_MS = 500;

// The picker's own choice of "not sure", at the end of its list (file.js adds it whatever the search).
const notSureOption = () => `<option value="${NOT_SURE}">${esc(t("notSureOption"))}</option>`;

// How sure the suggestion is, in words: likely at or above the server's threshold, else possible.
const confidenceWords = (item, threshold) => t(item.confidence >= threshold ? "suggestionLikely" : "suggestionPossible");

// Above the category picker: up to three suggestions for what the citizen is typing, each one tap to choose,
// and "I'm not sure". The latest answer wins; offline or refused, nothing is said and nothing changes.
// `refill` draws the picker's list again (file.js), now with its "I'm not sure" choice.
function suggestCategories(main, refill) {
  const box = main.querySelector("#suggested");
  const cat = main.querySelector("#cat");
  const search = main.querySelector("#q");
  const subject = main.querySelector("[name=subject]");
  const description = main.querySelector("[name=description]");
  if (!box || !cat || !description) return;
  if (refill && !cat.querySelector(`option[value="${NOT_SURE}"]`)) {
    const chosen = cat.value;
    refill();
    cat.value = chosen;
  }
  let timer = null;
  let asked = 0;
  let lastText = "";
  const mark = () => {
    for (const b of box.querySelectorAll("button[data-category]")) b.setAttribute("aria-pressed", String(b.dataset.category === cat.value));
    const said = box.querySelector(".not-sure-said");
    if (said) said.hidden = cat.value !== NOT_SURE;
  };
  const pick = (id) => {
    if (search && search.value) {
      search.value = "";
      search.dispatchEvent(new Event("input")); // the whole list again, so the choice is in it
    }
    cat.value = id;
    cat.dispatchEvent(new Event("change"));
    mark();
  };
  const show = (found) => {
    const buttons = found.items.map((s) => `<button type="button" class="plain suggestion" data-category="${esc(s.category_id)}">
        <bdi>${esc(named(s))}</bdi> — <span class="likelihood">${esc(confidenceWords(s, found.threshold))}</span></button>`);
    buttons.push(`<button type="button" class="plain suggestion" data-category="${NOT_SURE}">${esc(t("notSure"))}</button>`);
    box.innerHTML = `${found.items.length ? `<h2 id="suggested-title">${esc(t("suggestedTitle"))}</h2>` : ""}
      <div class="suggestions" role="group" aria-label="${esc(t(found.items.length ? "suggestedTitle" : "notSure"))}">${buttons.join("")}</div>
      <p class="hint not-sure-said" hidden>${esc(t("notSureChosen"))}</p>`;
    box.hidden = false;
    mark();
  };
  const ask = async () => {
    const typed = description.value.trim();
    if (typed.length < SUGGEST_FROM) return;
    const text = `${subject ? subject.value.trim() : ""}\n${typed}`.trim().slice(0, 4000);
    if (text === lastText) return;
    lastText = text;
    const mine = ++asked;
    let found;
    try {
      found = await api("POST", "/v1/category-suggestions", { text, kind: "complaint" });
    } catch (e) {
      lastText = ""; // asked again once the connection is back and the citizen types on
      return;
    }
    if (mine !== asked || !box.isConnected) return; // a newer question was asked meanwhile
    show(found);
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(ask, SUGGEST_AFTER_MS); };
  description.addEventListener("input", later);
  if (subject) subject.addEventListener("input", later);
  box.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-category]");
    if (button) pick(button.dataset.category);
  });
  cat.addEventListener("change", mark);
  later(); // a restored draft already says enough
}

// --- triage: complaints filed "not sure" that no suggestion placed confidently --------------------------

function triageLine(c) {
  const suggested = (c.suggestions || []).map((s) => {
    const category = state.categories.find((x) => x.id === s.category_id);
    return `<button type="button" class="plain suggestion" data-category="${esc(s.category_id)}"><bdi>${esc(category ? named(category) : s.category_id)}</bdi> — <span class="likelihood">${esc(t(s.confidence >= 0.5 ? "suggestionLikely" : "suggestionPossible"))}</span></button>`;
  }).join("");
  return `<li class="triage-case" data-id="${esc(c.id)}" data-version="${esc(c.version)}">
    <p><strong>${asTyped(c.id)}</strong> ${userText(c.subject)}${c.moderation_flagged ? ` ${flagBadge()}` : ""}</p>
    <p dir="auto" class="triage-text">${esc(c.description)}</p>
    <small>${esc(t("waitingSince"))}: ${esc(when(c.since))}${c.district ? ` · ${esc(districtName(c.district))}` : ""}</small>
    <form class="stack triage-choice">
      ${suggested ? `<div class="suggestions" role="group" aria-label="${esc(t("suggestedCategories"))}">${suggested}</div>` : ""}
      <label>${esc(t("chooseCategory"))}<select name="category_id" required><option value="">${esc(t("chooseOne"))}</option>
        ${state.categories.map((x) => `<option value="${esc(x.id)}">${esc(named(x))}</option>`).join("")}</select></label>
      <button>${esc(t("chooseThis"))}</button>
    </form></li>`;
}

const districtName = (id) => {
  const d = (state.districts || []).find((x) => x.id === id);
  return d ? named(d) : id;
};

async function triagePage(main) {
  if (!state.me) throw { status: 401, message: t("signInFirst"), details: [] };
  const [page, categories] = await Promise.all([
    api("GET", "/v1/triage?limit=20"),
    state.categories.length ? state.categories : api("GET", "/v1/categories?kind=complaint").then((r) => r.items),
  ]);
  state.categories = categories;
  if (!state.districts.length) state.districts = (await api("GET", "/v1/districts").catch(() => ({ items: [] }))).items;
  main.innerHTML = `<h1>${esc(t("triageTitle"))}</h1><p>${esc(t("triageHint"))}</p>
    <ul class="cards" id="triage">${page.items.map(triageLine).join("")}</ul>
    ${page.items.length ? "" : `<p>${esc(t("triageEmpty"))}</p>`}
    <button type="button" class="plain" id="more" ${page.next_cursor ? "" : "hidden"}>${esc(t("more"))}</button>`;
  const list = main.querySelector("#triage");
  list.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-category]");
    if (!button) return;
    const select = button.closest("form").querySelector("select");
    select.value = button.dataset.category;
    for (const b of button.parentNode.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
  });
  list.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const item = form.closest("li");
    sending(form, async () => {
      await api("POST", `/v1/triage/${encodeURIComponent(item.dataset.id)}/category`,
        { category_id: form.elements.category_id.value }, { "If-Match": item.dataset.version });
      item.remove();
      say(esc(t("triageDone")), "ok");
    }, (e) => say(problem(e, { category_id: t("chooseCategory") }), "error"));
  });
  let cursor = page.next_cursor;
  const more = main.querySelector("#more");
  more.onclick = () => sending(more.parentNode, async () => {
    const next = await api("GET", `/v1/triage?limit=20&cursor=${encodeURIComponent(cursor)}`);
    list.insertAdjacentHTML("beforeend", next.items.map(triageLine).join(""));
    cursor = next.next_cursor;
    more.hidden = !cursor;
  }, (e) => say(problem(e), "error"));
}

// --- moderation at filing: the flag officers see, and clear -------------------------------------------

const flagBadge = () => `<span class="badge flagged">${esc(t("flagged"))}</span>`;

// On an officer's case: the flag, what it means, and (to the office working it) the button that clears it.
function moderationPanel(main, c) {
  const flag = c.moderation_flag;
  if (!flag) return;
  const heading = main.querySelector("h1");
  if (flag.cleared_at) {
    heading.insertAdjacentHTML("afterend", `<p class="hint">${esc(t("flagClearedOn"))}: ${esc(when(flag.cleared_at))}</p>`);
    return;
  }
  const mayClear = state.me && state.me.role === "officer" && (c.allowed_actions || []).length > 0;
  heading.insertAdjacentHTML("afterend", `<div class="message warn flag-panel">${flagBadge()}
    <p>${esc(t("flaggedHint"))}</p>
    ${mayClear ? `<form id="clear-flag"><button>${esc(t("clearFlag"))}</button></form>` : ""}</div>`);
  const form = main.querySelector("#clear-flag");
  if (!form) return;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    sending(form, async () => {
      await api("POST", `/v1/officer/cases/${encodeURIComponent(c.id)}/moderation/clear`, {}, { "If-Match": String(c.version) });
      state.flash = [esc(t("flagCleared")), "ok"];
      render();
    }, (e) => say(problem(e), "error"));
  };
}

// What a case's citizen reads beside its publication while its text is withheld.
const withheldNote = (c) => (c.public_text_withheld ? ` — ${esc(t("withheld"))}` : "");
