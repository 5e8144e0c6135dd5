// Awaaz web client: the public dashboard.
"use strict";

// --- public dashboard -----------------------------------------------------------------

function bars(rows, keys, colours) {
  const width = 640, rowHeight = 26, label = 180, max = Math.max(1, ...rows.flatMap((r) => keys.map((k) => r[k] || 0)));
  const scale = (v) => ((width - label - 60) * v) / max;
  const body = rows.map((r, i) => {
    const y = i * rowHeight * keys.length + 4;
    return `<text x="0" y="${y + 14}" class="label">${esc(r.label)}</text>` + keys.map((k, j) =>
      `<rect x="${label}" y="${y + j * rowHeight}" width="${scale(r[k] || 0)}" height="${rowHeight - 6}" fill="${colours[j]}"><title>${esc(t(k))}: ${num(r[k])}</title></rect>
       <text x="${label + scale(r[k] || 0) + 4}" y="${y + j * rowHeight + 14}" class="value">${num(r[k])}</text>`).join("");
  }).join("");
  const height = rows.length * rowHeight * keys.length + 8;
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(keys.map(t).join(", "))}" class="chart">${body}</svg>
    <p class="legend">${keys.map((k, j) => `<span style="--c:${colours[j]}">${esc(t(k))}</span>`).join(" ")}</p>`;
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
    <h2>${esc(t("byOrganisation"))}</h2>${top.length ? bars(top, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"]) : `<p>${esc(t("none"))}</p>`}
    <h2>${esc(t("overTime"))}</h2>${bars(series, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"])}`;
  main.querySelector("#level").onchange = (ev) => { location.hash = `#/dashboard?level=${encodeURIComponent(ev.target.value)}`; };
}

