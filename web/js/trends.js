// Awaaz web client: the public dashboard's trends (issue 15, docs/insights.md "Spikes and trends"): the spikes
// the hourly job flagged and the busiest categories' complaints a day, as a plain SVG line chart for the eye
// and the same figures as text and a table for everyone (the chart itself is hidden from screen readers).
"use strict";

window.AWAAZ_TRENDS_TEXT = {
  en: {
    trendsTitle: "Trends: complaints a day",
    trendsHint: "The five busiest kinds of complaint over the last {n} days.",
    spikesTitle: "Spikes",
    spikesNone: "No spike flagged in the last {n} days.",
    spikeLine: "{day}: {count} complaints about {category} in {district} (usually about {expected}).",
    spikeLineNational: "{day}: {count} complaints about {category} across Pakistan (usually about {expected}).",
    trendsCategory: "Kind of complaint",
    trendsTotal: "Total",
    trendsBusiest: "Busiest day",
    trendsLast: "Last day",
    trendsNone: "No complaints in the last {n} days.",
    trendsFailed: "The trends could not be read just now.",
  },
  ur: {
    trendsTitle: "رجحانات: روزانہ شکایات",
    trendsHint: "پچھلے {n} دنوں میں سب سے زیادہ آنے والی پانچ قسم کی شکایات۔",
    spikesTitle: "اچانک اضافے",
    spikesNone: "پچھلے {n} دنوں میں کوئی اچانک اضافہ نہیں دیکھا گیا۔",
    spikeLine: "{day}: {district} میں {category} کی {count} شکایات (عام طور پر تقریباً {expected})۔",
    spikeLineNational: "{day}: پورے پاکستان میں {category} کی {count} شکایات (عام طور پر تقریباً {expected})۔",
    trendsCategory: "شکایت کی قسم",
    trendsTotal: "کل",
    trendsBusiest: "سب سے مصروف دن",
    trendsLast: "آخری دن",
    trendsNone: "پچھلے {n} دنوں میں کوئی شکایت نہیں۔",
    trendsFailed: "رجحانات اس وقت نہیں پڑھے جا سکے۔",
  },
};
if (window.AWAAZ_TEXT) {
  for (const lang of ["en", "ur"]) Object.assign(window.AWAAZ_TEXT[lang], window.AWAAZ_TRENDS_TEXT[lang]);
}

const TREND_DAYS = 14;
const TREND_COLOURS = ["#0b6e4f", "#c2410c", "#1d4ed8", "#7c3aed", "#a16207"];

// `{name}` placeholders filled from `values`.
function trendText(key, values) {
  return t(key).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function trendDay(day) {
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

// A line per category over the days; the viewBox scales to the page's width (360 px phones included).
// In Urdu the days run right to left, as the page does.
function trendChart(days, categories) {
  const width = 320, height = 160, axis = 28, edge = 8, top = 8, bottom = 22;
  const max = Math.max(1, ...categories.flatMap((c) => c.counts));
  const rtl = state.lang === "ur";
  // The plot runs between `first` (the first day) and `last`; the count axis sits on the reading side.
  const first = rtl ? width - axis : axis, last = rtl ? edge : width - edge;
  const x = (i) => first + (days.length > 1 ? i / (days.length - 1) : 0.5) * (last - first);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  const labelX = rtl ? width - axis + 4 : axis - 4, labelAnchor = rtl ? "start" : "end";
  const lines = categories.map((c, j) => `<polyline fill="none" stroke="${TREND_COLOURS[j]}" stroke-width="2"
    points="${c.counts.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"/>`).join("");
  const frame = `<line x1="${first}" y1="${y(0)}" x2="${last}" y2="${y(0)}" stroke="#999"/>
    <text x="${labelX}" y="${y(max) + 4}" font-size="12" text-anchor="${labelAnchor}">${esc(num(max))}</text>
    <text x="${labelX}" y="${y(0) + 4}" font-size="12" text-anchor="${labelAnchor}">${esc(num(0))}</text>
    <text x="${x(0)}" y="${height - 6}" font-size="12" text-anchor="${rtl ? "end" : "start"}">${esc(trendDay(days[0]))}</text>
    <text x="${x(days.length - 1)}" y="${height - 6}" font-size="12" text-anchor="${rtl ? "start" : "end"}">${esc(trendDay(days[days.length - 1]))}</text>`;
  const legend = categories.map((c, j) => `<li><span style="display:inline-block;inline-size:1rem;block-size:.25rem;vertical-align:middle;background:${TREND_COLOURS[j]}"></span> ${esc(named(c))}</li>`).join("");
  return `<div aria-hidden="true"><svg viewBox="0 0 ${width} ${height}" width="100%" style="max-inline-size:40rem;display:block;direction:ltr" role="presentation">${frame}${lines}</svg>
    <ul style="list-style:none;padding:0;margin:.3rem 0;font-size:.85rem">${legend}</ul></div>`;
}

function trendTable(days, categories) {
  const rows = categories.map((c) => {
    const busiest = c.counts.indexOf(Math.max(...c.counts));
    return `<tr><th scope="row">${esc(named(c))}</th><td>${esc(num(c.total))}</td>
      <td>${esc(trendDay(days[busiest]))}: ${esc(num(c.counts[busiest]))}</td><td>${esc(num(c.counts[c.counts.length - 1]))}</td></tr>`;
  }).join("");
  return `<table style="inline-size:100%;border-collapse:collapse;font-size:.85rem;text-align:start"><caption class="visually-hidden">${esc(t("trendsTitle"))}</caption>
    <thead><tr><th scope="col">${esc(t("trendsCategory"))}</th><th scope="col" style="white-space:nowrap">${esc(t("trendsTotal"))}</th>
    <th scope="col">${esc(t("trendsBusiest"))}</th><th scope="col">${esc(t("trendsLast"))}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

// Appended to the dashboard once its own figures are drawn; a failure here leaves them be.
async function trends(main) {
  const section = document.createElement("section");
  // Its heading from the start (a section named by a heading not yet drawn is no region: see gap.js).
  section.innerHTML = `<h2 id="trends-title">${esc(t("trendsTitle"))}</h2>`;
  section.setAttribute("aria-labelledby", "trends-title");
  main.appendChild(section);
  let data;
  try {
    data = await api("GET", `/v1/insights/trends?days=${TREND_DAYS}`);
  } catch (e) {
    section.innerHTML = `<h2 id="trends-title">${esc(t("trendsTitle"))}</h2><p>${esc(t("trendsFailed"))}</p>`;
    return;
  }
  const n = TREND_DAYS;
  const spikes = data.spikes.map((s) => `<li>${esc(trendText(s.district_id === "all" ? "spikeLineNational" : "spikeLine", {
    day: trendDay(s.day), count: num(s.count), expected: num(Math.max(1, Math.round(s.expected))),
    category: state.lang === "ur" ? s.category_name_ur : s.category_name,
    district: state.lang === "ur" ? s.district_name_ur : s.district_name,
  }))}</li>`).join("");
  const categories = data.categories.slice(0, TREND_COLOURS.length);
  section.innerHTML = `<h2 id="spikes-title">${esc(t("spikesTitle"))}</h2>
    ${spikes ? `<ul>${spikes}</ul>` : `<p>${esc(trendText("spikesNone", { n: num(n) }))}</p>`}
    <h2 id="trends-title">${esc(t("trendsTitle"))}</h2>
    ${categories.length && data.days.length ? `<p>${esc(trendText("trendsHint", { n: num(n) }))}</p>${trendChart(data.days, categories)}${trendTable(data.days, categories)}`
      : `<p>${esc(trendText("trendsNone", { n: num(n) }))}</p>`}`;
}
