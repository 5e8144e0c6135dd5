// Awaaz web client: the public dashboard.
"use strict";

// --- public dashboard -----------------------------------------------------------------

// A bar chart in HTML: a list with one item per row (its label, then a bar per figure), each number
// at the end of its bar and named for screen readers ("Received: 12"); the legend is for the eye only.
// Text wraps and stays 13 px or more on a phone; bars grow from the right in Urdu (logical sizes).
function bars(rows, keys, colours, title) {
  const max = Math.max(1, ...rows.flatMap((r) => keys.map((k) => r[k] || 0)));
  const items = rows.map((r) => `<li><span class="label">${esc(r.label)}</span>${keys.map((k, j) =>
    `<span class="bar" style="--c:${colours[j]};--share:${((r[k] || 0) / max).toFixed(4)}" data-value="${esc(r[k] ?? "")}"><span class="fill"></span>
      <span class="value"><span class="visually-hidden">${esc(t(k))}: </span>${esc(num(r[k]))}</span></span>`).join("")}</li>`).join("");
  return `<p class="legend" aria-hidden="true">${keys.map((k, j) => `<span style="--c:${colours[j]}">${esc(t(k))}</span>`).join(" ")}</p>
    <ul class="chart" aria-label="${esc(title)}">${items}</ul>`;
}

async function dashboard(main) {
  // Counters are read per organisation and day: one level at a time keeps an answer to a few thousand keys.
  // Every request at once (on a phone's 400 ms round trips, one after another cost seconds); the level
  // picker needs the levels alone (`depth=levels`: 1 KB, not the 122 KB tree of every office), read once.
  const level = new URLSearchParams(location.hash.split("?")[1] || "").get("level") || "federal";
  const months = [];
  for (let m = 5; m >= 0; m--) {
    const start = new Date(); start.setUTCDate(1); start.setUTCMonth(start.getUTCMonth() - m);
    const end = new Date(start); end.setUTCMonth(end.getUTCMonth() + 1); end.setUTCDate(0);
    months.push({ from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) });
  }
  const [levels, stats, ...monthly] = await Promise.all([
    state.levels || api("GET", "/v1/organisations?depth=levels").then((tree) => tree.items),
    api("GET", `/v1/stats?group_by=organisation&level=${encodeURIComponent(level)}`),
    ...months.map((p) => api("GET", `/v1/stats?level=${encodeURIComponent(level)}&from=${p.from}&to=${p.to}`)),
  ]);
  state.levels = levels;
  const total = stats.totals;
  const top = stats.groups.filter((g) => g.figures.received).sort((a, b) => b.figures.received - a.figures.received).slice(0, 10)
    .map((g) => ({ label: named(g), received: g.figures.received, resolved: g.figures.resolved, satisfiedRate: g.figures.satisfied }));
  const series = monthly.map((s, i) => ({ label: new Intl.DateTimeFormat(locale(), { month: "short", year: "numeric" }).format(new Date(months[i].from)),
    received: s.totals.received, resolved: s.totals.resolved, satisfiedRate: s.totals.satisfied }));
  main.innerHTML = `<h1>${esc(t("dashboard"))}</h1>
    <label>${esc(t("level"))}<select id="level">${levels.map((l) => `<option value="${esc(l.id)}" ${l.id === level ? "selected" : ""}>${esc(named(l))}</option>`).join("")}</select></label>
    <ul class="figures">
      <li><strong>${num(total.received)}</strong> ${esc(t("received"))}</li>
      <li><strong>${pct(total.resolved_rate)}</strong> ${esc(t("resolvedRate"))}</li>
      <li><strong>${pct(total.satisfied_rate)}</strong> ${esc(t("satisfiedOf"))}</li>
      <li><strong>${num(total.reopened)}</strong> ${esc(t("reopened"))}</li>
      <li><strong>${num(total.overdue)}</strong> ${esc(t("overdueCount"))}</li>
      <li><strong>${num(total.median_days_to_resolve)}</strong> ${esc(t("medianDays"))}</li></ul>
    <h2>${esc(t("byOrganisation"))}</h2>${top.length ? bars(top, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"], t("byOrganisation")) : `<p>${esc(t("none"))}</p>`}
    <h2>${esc(t("overTime"))}</h2>${bars(series, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"], t("overTime"))}`;
  main.querySelector("#level").onchange = (ev) => { location.hash = `#/dashboard?level=${encodeURIComponent(ev.target.value)}`; };
  // The satisfaction gap and the trends (js/gap.js, js/trends.js, loaded with this page), each drawn when its answer comes.
  insightScripts().then(() => { gapSection(main); trends(main); }, () => {});
}

