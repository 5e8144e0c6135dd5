// Duplicates' texts ("me too", followed complaints, an office's merge), in English and Urdu: js/metoo.js merges
// them into the page's. A key missing in one language is a bug (tests/unit/test_catalogues.py).
window.AWAAZ_METOO_TEXT = {
  en: {
    meToo: "Me too — follow this one instead",
    meTooHint: "The same problem may be filed already. Follow it instead of filing: you get its news and count as one more citizen affected.",
    privateDuplicate: "A complaint like yours, filed here on {date} (private: its words are not shown)",
    affectedCount: { one: "{n} citizen affected", other: "{n} citizens affected" },
    affected: "Citizens affected",
    following: "Following",
    followedTitle: "Complaints you follow",
    noneFollowed: "You follow no complaint. While filing, a complaint like yours is offered to follow instead.",
    nowFollowing: "You now follow {id}.",
    stopFollowing: "Stop following",
    stoppedFollowing: "You no longer follow {id}.",
    signInToFollow: "Sign in to follow a complaint.",
    privateWords: "Its citizen has not published its words.",
    mergedInto: "Merged into",
    mergeTitle: "Merge into another complaint",
    mergeHint: "A duplicate closes, its citizen and followers follow the other complaint, and its citizens count there.",
    mergeTarget: "Tracking number of the complaint to keep",
    mergeLook: "Show it",
    mergeConfirm: "Merge {from} into {into}",
    mergeUnseen: "Your office cannot open {id}; you can still merge into it if it is your organisation's.",
    merged: "{from} is merged into {into}.",
    statuses: { merged: "Merged into another complaint", merged_in: "A duplicate was merged into it" },
  },
  ur: {
    meToo: "میرا بھی یہی مسئلہ ہے — نئی شکایت کے بجائے اسی کی پیروی کریں",
    meTooHint: "یہ مسئلہ شاید پہلے ہی درج ہے۔ نئی شکایت کے بجائے اس کی پیروی کریں: آپ کو اس کی خبریں ملیں گی اور آپ ایک اور متاثرہ شہری شمار ہوں گے۔",
    privateDuplicate: "آپ جیسی ایک شکایت، جو یہاں {date} کو درج ہوئی (نجی: اس کے الفاظ نہیں دکھائے جاتے)",
    affectedCount: { one: "{n} شہری متاثر", other: "{n} شہری متاثر" },
    affected: "متاثرہ شہری",
    following: "پیروی جاری",
    followedTitle: "شکایات جن کی آپ پیروی کر رہے ہیں",
    noneFollowed: "آپ کسی شکایت کی پیروی نہیں کر رہے۔ شکایت درج کرتے وقت آپ جیسی شکایت پیروی کے لیے پیش کی جاتی ہے۔",
    nowFollowing: "اب آپ {id} کی پیروی کر رہے ہیں۔",
    stopFollowing: "پیروی ختم کریں",
    stoppedFollowing: "آپ اب {id} کی پیروی نہیں کر رہے۔",
    signInToFollow: "شکایت کی پیروی کے لیے سائن اِن کریں۔",
    privateWords: "اس کے شہری نے اس کے الفاظ شائع نہیں کیے۔",
    mergedInto: "ضم کی گئی",
    mergeTitle: "کسی دوسری شکایت میں ضم کریں",
    mergeHint: "دہرائی گئی شکایت بند ہو جاتی ہے، اس کا شہری اور پیروی کرنے والے دوسری شکایت کی پیروی کرتے ہیں، اور اس کے شہری وہاں شمار ہوتے ہیں۔",
    mergeTarget: "باقی رکھی جانے والی شکایت کا ٹریکنگ نمبر",
    mergeLook: "دکھائیں",
    mergeConfirm: "{from} کو {into} میں ضم کریں",
    mergeUnseen: "آپ کا دفتر {id} نہیں کھول سکتا؛ اگر یہ آپ کے ادارے کی ہے تو آپ پھر بھی اس میں ضم کر سکتے ہیں۔",
    merged: "{from} کو {into} میں ضم کر دیا گیا۔",
    statuses: { merged: "دوسری شکایت میں ضم", merged_in: "دہرائی گئی شکایت اس میں ضم کی گئی" },
  },
};

// Awaaz web client: duplicates — "me too" while filing, the complaints a citizen follows, an office's merge
// (docs/insights.md, "Duplicates and me too"). Its texts are above, merged into the page's here.
"use strict";

for (const lang of ["en", "ur"]) {
  const page = window.AWAAZ_TEXT[lang];
  for (const [key, value] of Object.entries((window.AWAAZ_METOO_TEXT || {})[lang] || {})) {
    page[key] = key === "statuses" ? { ...page.statuses, ...value } : value;
  }
}

const affectedText = (n) => {
  const forms = t("affectedCount");
  return (forms[new Intl.PluralRules(locale()).select(n)] || forms.other).replace("{n}", num(n));
};

// The filing form's "similar complaints" section: published ones with their words, private near-duplicates
// without, and "Me too" on each near-duplicate (from the second complaint of a problem on).
function showSimilar(section, found) {
  const button = (id, offer) => `<button type="button" class="secondary" data-me-too="${esc(id)}"${offer ? ` data-offer="${esc(offer)}"` : ""}>${esc(t("meToo"))}</button>`;
  const published = found.items.map((s) => `<li><strong>${asTyped(s.id)}</strong> — ${userText(s.subject)} (${esc(statusText(s.status))})
      <small>${esc(affectedText(s.affected || 1))}</small>${s.duplicate && s.can_join ? button(s.id) : ""}</li>`);
  const private_ = (found.duplicates || []).map((d) => `<li>${esc(t("privateDuplicate").replace("{date}", day(d.created_at)))}
      (${esc(statusText(d.status))}) <small>${esc(affectedText(d.affected))}</small>${button(d.id, d.offer)}</li>`);
  const offered = (found.duplicates || []).length || found.items.some((s) => s.duplicate && s.can_join);
  section.innerHTML = `<h2>${esc(t("similar"))}</h2>` + (offered ? `<p>${esc(t("meTooHint"))}</p>` : "") +
    (published.length || private_.length ? `<ul class="cards">${[...private_, ...published].join("")}</ul>` : `<p>${esc(t("noSimilar"))}</p>`) +
    (found.others.count ? `<p>${esc(t("othersLikeIt"))} ${esc(num(found.others.count))}</p>` : "");
  for (const b of section.querySelectorAll("[data-me-too]")) b.onclick = () => joinCase(b);
}

async function joinCase(b) {
  if (!state.me) {
    say(esc(t("signInToFollow")), "error");
    return;
  }
  if (b.disabled) return;
  b.disabled = true;
  try {
    const id = b.dataset.meToo;
    await api("POST", `/v1/complaints/${encodeURIComponent(id)}/me-too`, b.dataset.offer ? { offer: b.dataset.offer } : {});
    const form = b.closest("form");
    if (form && typeof dropDraft === "function") dropDraft(form);
    state.flash = [esc(t("nowFollowing").replace("{id}", id)), "ok"];
    location.hash = `#/followed/${encodeURIComponent(id)}`;
  } catch (e) {
    say(problem(e), "error");
  } finally {
    b.disabled = false;
  }
}

// The complaints a citizen follows (#/followed), and one of them (#/followed/<id>).
async function followedView(main, id) {
  if (!id) {
    const found = await api("GET", "/v1/followed-complaints?limit=50");
    main.innerHTML = `<h1>${esc(t("followedTitle"))}</h1>` + (found.items.length ? `<ul class="cards">${found.items.map((c) => `
      <li><a href="#/followed/${esc(c.id)}"><strong>${asTyped(c.id)}</strong> ${c.subject ? userText(c.subject) : esc(term(c.category_id))}</a>
        <span class="badge">${esc(statusText(c.status))}</span> <small>${esc(affectedText(c.affected))}</small></li>`).join("")}</ul>`
      : `<p>${esc(t("noneFollowed"))}</p>`);
    return;
  }
  const c = await api("GET", `/v1/followed-complaints/${encodeURIComponent(id)}`);
  const category = state.categories.find((x) => x.id === c.category_id);
  const district = state.districts.find((x) => x.id === c.district);
  main.innerHTML = `<h1>${asTyped(c.id)}${c.subject ? ` — ${userText(c.subject)}` : ""}</h1>
    <p><span class="badge">${esc(t("following"))}</span> <strong>${esc(affectedText(c.affected))}</strong></p>
    <dl class="facts"><dt>${esc(t("status"))}</dt><dd>${esc(statusText(c.status))}</dd>
      <dt>${esc(t("category"))}</dt><dd>${category ? userText(named(category)) : asTyped(c.category_id)}</dd>
      <dt>${esc(t("district"))}</dt><dd>${district ? userText(named(district)) : asTyped(c.district || "—")}</dd>
      <dt>${esc(t("office"))}</dt><dd>${c.office ? userText(named(c.office)) : "—"}</dd>
      ${c.merged_into ? `<dt>${esc(t("mergedInto"))}</dt><dd><a href="#/followed/${esc(c.merged_into)}">${asTyped(c.merged_into)}</a></dd>` : ""}</dl>
    <p dir="auto">${c.description ? esc(c.description) : esc(t("privateWords"))}</p>
    <form id="leave"><button class="secondary">${esc(t("stopFollowing"))}</button></form>
    ${timeline(c.steps)}`;
  const leave = main.querySelector("#leave");
  leave.onsubmit = (ev) => {
    ev.preventDefault();
    sending(leave, async () => {
      await api("DELETE", `/v1/complaints/${encodeURIComponent(c.id)}/me-too`);
      state.flash = [esc(t("stoppedFollowing").replace("{id}", c.id)), "ok"];
      location.hash = "#/followed";
    }, (e) => say(problem(e), "error"));
  };
}

// A case's facts: how many citizens it affects, and the case it was merged into.
function affectedFacts(c) {
  if (c.kind && c.kind !== "complaint") return "";
  const into = c.merged_into ? `<dt>${esc(t("mergedInto"))}</dt><dd>${asTyped(c.merged_into)}</dd>` : "";
  return `<dt>${esc(t("affected"))}</dt><dd>${esc(affectedText(c.affected || 1))}</dd>${into}`;
}

// An officer's "Merge into…" on an open complaint their office works: enter the other's number, see it, confirm.
function mergeForm(main, c) {
  const open = ["submitted", "routed", "in_progress", "awaiting_citizen", "reopened"];
  if (c.kind !== "complaint" || !open.includes(c.status) || !c.allowed_actions.length) return;
  // After the office's actions (the everyday work comes first), before the timeline.
  const act = main.querySelector("#act");
  const before = act ? act.nextElementSibling : main.querySelector(".timeline")?.previousElementSibling;
  before?.insertAdjacentHTML("beforebegin", `<form id="merge" class="stack">
      <h2>${esc(t("mergeTitle"))}</h2><p><small>${esc(t("mergeHint"))}</small></p>
      <label>${esc(t("mergeTarget"))}<input name="into" required maxlength="64" dir="ltr" autocomplete="off"></label>
      <div id="merge-seen"></div>
      <button name="look" value="look">${esc(t("mergeLook"))}</button></form>`);
  const form = main.querySelector("#merge");
  if (!form) return;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const into = form.elements.into.value.trim().toUpperCase();
    const seen = form.querySelector("#merge-seen");
    if (ev.submitter && ev.submitter.value === "merge" && form.dataset.into === into) {
      sending(form, async () => {
        await api("POST", `/v1/officer/cases/${encodeURIComponent(c.id)}/merge`, { into }, { "If-Match": String(c.version) });
        state.flash = [esc(t("merged").replace("{from}", c.id).replace("{into}", into)), "ok"];
        render();
      }, (e) => say(problem(e), "error"));
      return;
    }
    sending(form, async () => {
      let shown;
      try {
        const other = await api("GET", `/v1/officer/cases/${encodeURIComponent(into)}`);
        shown = `<p><strong>${asTyped(other.id)}</strong> — ${userText(other.subject)} (${esc(statusText(other.status))}), ${esc(affectedText(other.affected || 1))}</p>`;
      } catch (e) {
        if (e.status !== 404) throw e;
        shown = `<p>${esc(t("mergeUnseen").replace("{id}", into))}</p>`;
      }
      form.dataset.into = into;
      seen.innerHTML = shown + `<button name="merge" value="merge" class="danger">${esc(t("mergeConfirm").replace("{from}", c.id).replace("{into}", into))}</button>`;
    }, (e) => say(problem(e), "error"));
  };
}
