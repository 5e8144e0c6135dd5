// Awaaz web client: "Rising topics" — the themes of an organisation's new complaints this week, for its staff
// (GET /v1/officer/topics). Officers and organisation admins see their own organisation's; admins choose one.
"use strict";

// The page's texts, in English and Urdu, merged into the page's catalogue (a key missing in one language is a bug:
// tests/unit/test_catalogues.py).
window.AWAAZ_TOPICS_TEXT = {
  en: {
    topicsTitle: "Rising topics",
    topicsHint: "Themes found in the words of this week's new complaints, compared with the {n} weeks before. A theme is “rising” when its share of complaints clearly grew. Keywords are in the complaints' own languages; names and numbers are never among them.",
    topicsWeek: "Week of {from} to {to}", topicsEarlier: "Earlier week", topicsLater: "Later week", topicsWeeks: "Weeks",
    topicsOrganisation: "Organisation", topicsShow: "Show",
    topicsNotEnough: "Not enough new complaints this week to find themes.",
    topicsNotComputed: "No topics for this week: there were no new complaints, or they are not computed yet (every Monday morning).",
    topicsCounted: { one: "{n} new complaint this week", other: "{n} new complaints this week" },
    topicsBaseline: { one: "{n} in the weeks before", other: "{n} in the weeks before" },
    topicsRising: "Rising ×{x}", topicsSteady: "Not rising", topicsNew: "No earlier weeks to compare",
    topicsRisingMeans: "This week's share of complaints is at least {x} times its share in the weeks before.",
    topicsKeywords: "Keywords", topicsExamples: "Example complaints",
    topicsHidden: { one: "{n} more example is in another office's cases.", other: "{n} more examples are in other offices' cases." },
    topicsNone: "No theme stands out this week.",
  },
  ur: {
    topicsTitle: "ابھرتے موضوعات",
    topicsHint: "اس ہفتے کی نئی شکایات کے الفاظ میں پائے گئے موضوعات، پچھلے {n} ہفتوں کے مقابلے میں۔ کوئی موضوع ”ابھرتا“ ہے جب شکایات میں اس کا حصہ واضح طور پر بڑھا ہو۔ کلیدی الفاظ شکایات ہی کی زبانوں میں ہیں؛ نام اور نمبر ان میں کبھی شامل نہیں ہوتے۔",
    topicsWeek: "{from} سے {to} تک کا ہفتہ", topicsEarlier: "پچھلا ہفتہ", topicsLater: "اگلا ہفتہ", topicsWeeks: "ہفتے",
    topicsOrganisation: "ادارہ", topicsShow: "دکھائیں",
    topicsNotEnough: "اس ہفتے موضوعات تلاش کرنے کے لیے کافی نئی شکایات نہیں آئیں۔",
    topicsNotComputed: "اس ہفتے کے موضوعات موجود نہیں: یا تو کوئی نئی شکایت نہیں آئی، یا ابھی حساب نہیں ہوا (ہر پیر کی صبح)۔",
    topicsCounted: { one: "اس ہفتے {n} نئی شکایت", other: "اس ہفتے {n} نئی شکایات" },
    topicsBaseline: { one: "پچھلے ہفتوں میں {n}", other: "پچھلے ہفتوں میں {n}" },
    topicsRising: "{x} گنا ابھار", topicsSteady: "ابھار نہیں", topicsNew: "موازنے کے لیے پچھلے ہفتے نہیں",
    topicsRisingMeans: "اس ہفتے شکایات میں اس کا حصہ پچھلے ہفتوں کے حصے سے کم از کم {x} گنا ہے۔",
    topicsKeywords: "کلیدی الفاظ", topicsExamples: "مثالی شکایات",
    topicsHidden: { one: "{n} اور مثال کسی دوسرے دفتر کے کیسوں میں ہے۔", other: "{n} اور مثالیں دوسرے دفاتر کے کیسوں میں ہیں۔" },
    topicsNone: "اس ہفتے کوئی موضوع نمایاں نہیں۔",
  },
};
if (window.AWAAZ_TEXT) {
  for (const lang of ["en", "ur"]) Object.assign(window.AWAAZ_TEXT[lang], window.AWAAZ_TOPICS_TEXT[lang]);
}

const TOPIC_READERS = ["officer", "org_admin", "admin"];

// The page's few styles, added once (style.css stays the shell's): long words wrap on a 360 px phone.
function topicsStyles() {
  if (document.getElementById("topics-style")) return;
  const style = document.createElement("style");
  style.id = "topics-style";
  style.textContent = `.topics .topic-words { font-size: 1.05rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
    .topics li.rising { border-inline-start-color: var(--warn, #e76f51); }
    .topics .badge.rising { background: #fde2d8; font-weight: 600; }
    .topics .examples { display: flex; flex-wrap: wrap; gap: .25rem .75rem; list-style: none; padding: 0; margin: .2rem 0; }
    .topics .examples li { border: 0; padding: 0; background: none; }
    .topics .examples-label { margin: .3rem 0 0; }
    .topics-weeks { gap: 1rem; }
    h2.topics-week { font-size: 1.1rem; margin-bottom: .2rem; }`;
  document.head.append(style);
}

// A count in words, by the language's plural rules.
function topicsCount(key, n) {
  const forms = t(key);
  return (forms[new Intl.PluralRules(locale()).select(n)] || forms.other).replace("{n}", num(n));
}

const rise = (x) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(x);

function themeCard(theme) {
  const badge = theme.rise === null || theme.rise === undefined
    ? `<span class="badge">${esc(t("topicsNew"))}</span>`
    : `<span class="badge${theme.rising ? " rising" : ""}" title="${esc(t("topicsRisingMeans").replace("{x}", rise(theme.rise)))}">${
      esc(theme.rising ? t("topicsRising").replace("{x}", rise(theme.rise)) : t("topicsSteady"))}</span>`;
  const words = theme.keywords.map(userText).join(" · ");
  const examples = theme.examples.map((id) => `<li><a href="#/officer/${encodeURIComponent(id)}">${asTyped(id)}</a></li>`).join("");
  const hidden = theme.examples_hidden ? `<small>${esc(topicsCount("topicsHidden", theme.examples_hidden))}</small>` : "";
  return `<li class="topic${theme.rising ? " rising" : ""}">
    <h2 class="topic-words" aria-label="${esc(t("topicsKeywords"))}: ${esc(theme.keywords.join(", "))}">${words}</h2>
    ${badge}
    <p><small>${esc(topicsCount("topicsCounted", theme.week_count))} · ${esc(topicsCount("topicsBaseline", theme.baseline_count))}</small></p>
    ${examples ? `<p class="examples-label"><small>${esc(t("topicsExamples"))}:</small></p><ul class="examples">${examples}</ul>` : ""}
    ${hidden}</li>`;
}

async function organisationChoice(params) {
  const tree = (await api("GET", "/v1/organisations")).items;
  const all = tree.flatMap((level) => level.organisations);
  const chosen = params.get("organisation") || (all[0] && all[0].id) || "";
  const options = all.map((o) => `<option value="${esc(o.id)}" ${o.id === chosen ? "selected" : ""}>${esc(named(o))}</option>`).join("");
  return [chosen, `<form id="topic-org" class="row"><label>${esc(t("topicsOrganisation"))}<select name="organisation">${options}</select></label>
    <button>${esc(t("topicsShow"))}</button></form>`];
}

async function risingTopics(main) {
  const role = state.me && state.me.role;
  if (!role) throw { status: 401, message: t("signInFirst"), details: [] };
  if (!TOPIC_READERS.includes(role)) throw { status: 403, message: t("adminOnly"), details: [] };
  topicsStyles();
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams();
  let picker = "";
  if (role === "admin") {
    const [chosen, form] = await organisationChoice(params);
    picker = form;
    if (chosen) query.set("organisation", chosen);
  }
  if (params.get("week")) query.set("week", params.get("week"));
  const found = await api("GET", `/v1/officer/topics?${query}`);
  const weekLink = (week, label) => {
    const q = new URLSearchParams(query);
    q.set("week", week);
    return `<a href="#/topics?${q}">${esc(label)}</a>`;
  };
  const heading = t("topicsWeek").replace("{from}", day(found.week_starts)).replace("{to}", day(found.week_ends));
  let body;
  if (!found.computed_at) body = `<p class="message">${esc(t("topicsNotComputed"))}</p>`;
  else if (!found.enough) body = `<p class="message">${esc(t("topicsNotEnough"))}</p>`;
  else if (!found.themes.length) body = `<p>${esc(t("topicsNone"))}</p>`;
  else body = `<ul class="cards topics">${found.themes.map(themeCard).join("")}</ul>`;
  const counted = found.computed_at
    ? `<p><small>${esc(topicsCount("topicsCounted", found.texts_week))} · ${esc(topicsCount("topicsBaseline", found.texts_baseline))}</small></p>` : "";
  main.innerHTML = (role === "officer" && typeof officeTabs === "function" ? officeTabs("topics") : "") +
    `<h1>${esc(t("topicsTitle"))}</h1>${picker}
    <p class="topics-org"><strong>${esc(named({ name: found.organisation_name, name_ur: found.organisation_name_ur }))}</strong></p>
    <p>${esc(t("topicsHint").replace("{n}", num(found.baseline_weeks || 6)))}</p>
    <h2 class="topics-week">${esc(heading)}</h2>
    <nav class="row topics-weeks" aria-label="${esc(t("topicsWeeks"))}">
      ${weekLink(found.previous_week, t("topicsEarlier"))}
      ${found.next_week ? weekLink(found.next_week, t("topicsLater")) : ""}
    </nav>${counted}${body}`;
  const form = main.querySelector("#topic-org");
  if (form) {
    form.onsubmit = (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams({ organisation: new FormData(ev.target).get("organisation") });
      if (params.get("week")) q.set("week", params.get("week"));
      location.hash = `#/topics?${q}`;
    };
  }
}
