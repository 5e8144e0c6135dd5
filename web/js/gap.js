// Awaaz web client: the satisfaction gap — the public dashboard's funnel and ranked chart (gapSection), and the
// admins' printable monthly report (#/admin/report, gapReport). Plain SVG, no library; every figure is also in a
// table beside it. Numbers from GET /v1/insights/satisfaction and /v1/admin/insights/satisfaction-report.
"use strict";

window.AWAAZ_GAP_TEXT = {
  en: {
    gapTitle: "Resolved — and satisfied?",
    gapIntro: "Offices mark complaints resolved; citizens say whether they are satisfied. The gap between the two rates, over this month and the two before.",
    gapFunnel: "From filing to satisfaction, the whole portal",
    gapFiled: "Filed", gapResolvedN: "Resolved", gapAnswered: "Answered (satisfied or not)", gapSatisfiedN: "Satisfied",
    gapOfAnswered: "{p} of answers", gapOfDecided: "{p} of decisions",
    gapCompare: "Compare", gapBy_office: "Offices", gapBy_organisation: "Organisations", gapBy_category: "Kinds of complaint", gapBy_district: "Districts",
    gapChart: "The widest gaps: resolved rate minus satisfied rate",
    gapChartHow: "Dot: the gap, with small groups pulled toward their peers. Line: its 95% range. Tick: the peers' gap. Red: flagged, significantly worse than peers.",
    gapTable: "Every group compared (tap a heading to sort)",
    gapName: "Name", gapResolved: "Resolved", gapSatisfied: "Satisfied", gapGap: "Gap", gapAnswers: "Answers", gapFlag: "Flag",
    gapRange: "95% range {low}–{high}", gapFlagged: "Flagged", gapTooFew: "Too few answers", gapSortBy: "sorted",
    gapNone: "No group has decisions or answers in this period yet.",
    gapNotYet: "Not worked out yet: the figures are worked out once a day, at night.",
    gapComputed: "Worked out {when}.",
    gapReportTitle: "Satisfaction report", gapMonth: "Month", gapShow: "Show", gapCsv: "Download CSV", gapPrint: "Print",
    gapReportFor: "Month of {month}", gapRank: "Rank", gapShrunk: "Gap (shrunk)", gapPeers: "Peers' gap",
  },
  ur: {
    gapTitle: "حل ہوئیں — اور شہری مطمئن؟",
    gapIntro: "دفاتر شکایات کو حل شدہ قرار دیتے ہیں؛ شہری بتاتے ہیں کہ وہ مطمئن ہیں یا نہیں۔ اس مہینے اور پچھلے دو مہینوں میں دونوں شرحوں کا فرق۔",
    gapFunnel: "شکایت درج ہونے سے اطمینان تک، پورا پورٹل",
    gapFiled: "درج ہوئیں", gapResolvedN: "حل ہوئیں", gapAnswered: "جواب دیا (مطمئن یا غیر مطمئن)", gapSatisfiedN: "مطمئن",
    gapOfAnswered: "جوابات کا {p}", gapOfDecided: "فیصلوں کا {p}",
    gapCompare: "موازنہ", gapBy_office: "دفاتر", gapBy_organisation: "ادارے", gapBy_category: "شکایات کی اقسام", gapBy_district: "اضلاع",
    gapChart: "سب سے بڑے فرق: حل کی شرح منفی اطمینان کی شرح",
    gapChartHow: "نقطہ: فرق، چھوٹے گروہ اپنے ہم پلہ گروہوں کی طرف کھینچے گئے۔ لکیر: اس کی ۹۵٪ حد۔ نشان: ہم پلہ گروہوں کا فرق۔ سرخ: نشان زد، ہم پلہ گروہوں سے واضح طور پر بدتر۔",
    gapTable: "تمام گروہوں کا موازنہ (ترتیب کے لیے سرخی پر ٹیپ کریں)",
    gapName: "نام", gapResolved: "حل", gapSatisfied: "مطمئن", gapGap: "فرق", gapAnswers: "جوابات", gapFlag: "نشان",
    gapRange: "۹۵٪ حد {low}–{high}", gapFlagged: "نشان زد", gapTooFew: "بہت کم جوابات", gapSortBy: "ترتیب شدہ",
    gapNone: "اس مدت میں ابھی کسی گروہ کے فیصلے یا جوابات نہیں ہیں۔",
    gapNotYet: "ابھی حساب نہیں ہوا: یہ اعداد روزانہ رات کو نکالے جاتے ہیں۔",
    gapComputed: "حساب {when} کو ہوا۔",
    gapReportTitle: "اطمینان کی رپورٹ", gapMonth: "مہینہ", gapShow: "دکھائیں", gapCsv: "CSV ڈاؤن لوڈ کریں", gapPrint: "پرنٹ کریں",
    gapReportFor: "مہینہ {month}", gapRank: "درجہ", gapShrunk: "فرق (سکڑا ہوا)", gapPeers: "ہم پلہ گروہوں کا فرق",
  },
};
for (const lang of ["en", "ur"]) Object.assign(window.AWAAZ_TEXT[lang], window.AWAAZ_GAP_TEXT[lang]);

const gapFill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
const GAP_RED = "#b3261e", GAP_INK = "#1d3b32", GAP_LINE = "#5b6b66", GAP_BRAND = "#0b6e4f";

// The funnel: four bars, each as wide as its count against the filed count; the numbers written beside.
function gapFunnel(f) {
  const steps = [["gapFiled", f.filed, ""], ["gapResolvedN", f.resolved, f.resolved_rate === null ? "" : gapFill(t("gapOfDecided"), { p: pct(f.resolved_rate) })],
    ["gapAnswered", f.answered, ""], ["gapSatisfiedN", f.satisfied, f.satisfied_rate === null ? "" : gapFill(t("gapOfAnswered"), { p: pct(f.satisfied_rate) })]];
  const most = Math.max(1, ...steps.map((s) => s[1] || 0));
  const rtl = state.lang === "ur";
  const width = 320, rowH = 44;
  const rows = steps.map(([key, n, note], i) => {
    const w = Math.max(2, Math.round(((n || 0) / most) * width));
    const x = rtl ? width - w : 0, y = i * rowH;
    const label = `${t(key)}: ${num(n)}${note ? ` (${note})` : ""}`;
    return `<text x="${rtl ? width : 0}" y="${y + 14}" text-anchor="start" font-size="13" fill="${GAP_INK}">${esc(label)}</text>
      <rect x="${x}" y="${y + 20}" width="${w}" height="16" rx="2" fill="${i === 3 ? "#e9c46a" : GAP_BRAND}" opacity="${1 - i * 0.15}"></rect>`;
  }).join("");
  return `<svg class="gap-svg" viewBox="0 0 ${width} ${steps.length * rowH}" direction="${rtl ? "rtl" : "ltr"}" role="img" aria-labelledby="gap-funnel-title">
    <title id="gap-funnel-title">${esc(t("gapFunnel"))}: ${steps.map(([k, n]) => `${t(k)} ${num(n)}`).join(", ")}</title>${rows}</svg>`;
}

// The ranked chart: the widest shrunk gaps, each with its 95% range (resolved, less the satisfied rate's range)
// and the peers' gap; flagged rows in red and marked in words. Mirrored in Urdu.
function gapChart(rows) {
  const shown = rows.slice(0, 12);
  const width = 320, rowH = 54, pad = 6, room = 44; // room: the far end, kept for each row's number
  const rangeOf = (r) => [r.resolved_shrunk - r.satisfied_shrunk_interval.high, r.resolved_shrunk - r.satisfied_shrunk_interval.low];
  const low = Math.min(0, ...shown.map((r) => rangeOf(r)[0])), high = Math.max(0.1, ...shown.map((r) => rangeOf(r)[1]), ...shown.map((r) => r.peer_gap_mean));
  const rtl = state.lang === "ur";
  const x = (v) => { const p = pad + ((v - low) / (high - low || 1)) * (width - 2 * pad - room); return rtl ? width - p : p; };
  const short = (s) => (s.length > 44 ? `${s.slice(0, 43)}…` : s);
  const body = shown.map((r, i) => {
    const y = i * rowH, [a, b] = rangeOf(r), colour = r.flagged ? GAP_RED : GAP_INK;
    const mark = r.flagged ? ` ⚑ ${t("gapFlagged")}` : r.too_few_answers ? ` (${t("gapTooFew")})` : "";
    return `<g><text x="${rtl ? width : 0}" y="${y + 14}" text-anchor="start" font-size="13" fill="${colour}"${r.flagged ? ' font-weight="700"' : ""}>${esc(short(`${r.rank}. ${named(r)}`))}</text>
      ${mark ? `<text x="${rtl ? width : 0}" y="${y + 49}" text-anchor="start" font-size="12" fill="${colour}">${esc(mark.trim())}</text>` : ""}
      <line x1="${x(a)}" x2="${x(b)}" y1="${y + 30}" y2="${y + 30}" stroke="${colour}" stroke-width="2"></line>
      <line x1="${x(r.peer_gap_mean)}" x2="${x(r.peer_gap_mean)}" y1="${y + 23}" y2="${y + 37}" stroke="${GAP_LINE}" stroke-width="1.5"></line>
      <circle cx="${x(r.gap_shrunk)}" cy="${y + 30}" r="5" fill="${colour}"></circle>
      <text x="${rtl ? 0 : width}" y="${y + 35}" text-anchor="end" font-size="13" fill="${colour}">${esc(pct(r.gap_shrunk))}</text></g>`;
  }).join("");
  const zero = `<line x1="${x(0)}" x2="${x(0)}" y1="0" y2="${shown.length * rowH}" stroke="#c9d3cf" stroke-dasharray="3 3"></line>`;
  return `<svg class="gap-svg" viewBox="0 0 ${width} ${Math.max(1, shown.length) * rowH}" direction="${rtl ? "rtl" : "ltr"}" role="img" aria-labelledby="gap-chart-title gap-chart-how">
    <title id="gap-chart-title">${esc(t("gapChart"))}</title>${zero}${body}</svg>
    <p class="gap-how" id="gap-chart-how">${esc(t("gapChartHow"))}</p>`;
}

const GAP_COLUMNS = [
  ["gapName", (r) => named(r), (r) => esc(named(r))],
  ["gapResolved", (r) => r.resolved_rate ?? -1, (r) => esc(pct(r.resolved_rate))],
  ["gapSatisfied", (r) => r.satisfied_rate ?? -1, (r) => `${esc(pct(r.satisfied_rate))}${r.satisfied_interval
    ? `<br><small>${esc(gapFill(t("gapRange"), { low: pct(r.satisfied_interval.low), high: pct(r.satisfied_interval.high) }))}</small>` : ""}`],
  ["gapGap", (r) => r.gap_shrunk, (r) => esc(pct(r.gap_shrunk))],
  ["gapAnswers", (r) => r.counts.verdicts, (r) => esc(num(r.counts.verdicts))],
  ["gapFlag", (r) => (r.flagged ? 2 : r.too_few_answers ? 0 : 1), (r) => (r.flagged ? `<strong class="gap-flag">⚑ ${esc(t("gapFlagged"))}</strong>` : r.too_few_answers ? esc(t("gapTooFew")) : "")],
];

// The same rows as a table; a heading's button sorts by it (again: the other way), aria-sort says how.
function gapTable(holder, rows, caption) {
  let by = 3, down = true;
  const draw = () => {
    const key = GAP_COLUMNS[by][1];
    const sorted = [...rows].sort((a, b) => { const p = key(a), q = key(b); return (p < q ? -1 : p > q ? 1 : 0) * (down ? -1 : 1); });
    holder.innerHTML = `<div class="gap-scroll" role="region" tabindex="0" aria-label="${esc(caption)}"><table class="gap-table">
      <caption>${esc(caption)}</caption><thead><tr>${GAP_COLUMNS.map(([k], i) =>
        `<th scope="col" aria-sort="${i === by ? (down ? "descending" : "ascending") : "none"}"><button type="button" data-col="${i}">${esc(t(k))}${i === by ? (down ? " ▼" : " ▲") : ""}</button></th>`).join("")}</tr></thead>
      <tbody>${sorted.map((r) => `<tr${r.flagged ? ' class="flagged"' : ""}>${GAP_COLUMNS.map(([, , cell], i) => (i ? `<td>${cell(r)}</td>` : `<th scope="row">${cell(r)}</th>`)).join("")}</tr>`).join("")}</tbody></table></div>`;
    for (const b of holder.querySelectorAll("button[data-col]")) {
      b.onclick = () => { const i = Number(b.dataset.col); down = i === by ? !down : true; by = i; draw(); holder.querySelector(`button[data-col="${i}"]`).focus(); };
    }
  };
  draw();
}

// The dashboard's section (dashboard.js calls it once the page is drawn); a failure leaves a line, not a broken page.
async function gapSection(main, by = "office") {
  let section = main.querySelector("#gap");
  if (!section) {
    // Its heading from the start: a section named by a heading not yet drawn is no region, and axe
    // rightly calls aria-labelledby on it prohibited (seen while the answer was on its way).
    section = Object.assign(document.createElement("section"), { id: "gap" });
    section.innerHTML = `<h2 id="gap-title">${esc(t("gapTitle"))}</h2>`;
    section.setAttribute("aria-labelledby", "gap-title");
    main.append(section);
  }
  section.setAttribute("aria-busy", "true");
  try {
    const out = await api("GET", `/v1/insights/satisfaction?by=${encodeURIComponent(by)}`);
    const when = out.computed_at ? gapFill(t("gapComputed"), { when: day(out.computed_at) }) : t("gapNotYet");
    section.innerHTML = `<h2 id="gap-title">${esc(t("gapTitle"))}</h2><p>${esc(t("gapIntro"))} <small>${esc(when)}</small></p>
      <h3>${esc(t("gapFunnel"))}</h3>${gapFunnel(out.funnel)}
      <label>${esc(t("gapCompare"))} <select id="gap-by">${["office", "organisation", "category", "district"].map((g) =>
        `<option value="${g}"${g === out.by ? " selected" : ""}>${esc(t(`gapBy_${g}`))}</option>`).join("")}</select></label>
      ${out.rows.length ? `<h3>${esc(t("gapChart"))}</h3>${gapChart(out.rows)}<div id="gap-table"></div>` : `<p>${esc(t("gapNone"))}</p>`}`;
    if (out.rows.length) gapTable(section.querySelector("#gap-table"), out.rows, `${t("gapTable")}: ${t(`gapBy_${out.by}`)}`);
    section.querySelector("#gap-by").onchange = (ev) => gapSection(main, ev.target.value).then(() => main.querySelector("#gap-by").focus());
  } catch (e) {
    section.innerHTML = `<h2 id="gap-title">${esc(t("gapTitle"))}</h2><p>${problem(e)}</p>`;
  } finally {
    section.removeAttribute("aria-busy");
  }
}

// #/admin/report: a month's report, every grouping (an organisation's admin: theirs), to print or download as CSV.
async function gapReport(main) {
  const asked = new URLSearchParams(location.hash.split("?")[1] || "").get("month");
  const last = new Date(); last.setUTCDate(1); last.setUTCMonth(last.getUTCMonth() - 1);
  const month = asked || last.toISOString().slice(0, 7);
  const out = await api("GET", `/v1/admin/insights/satisfaction-report?month=${encodeURIComponent(month)}`);
  main.classList.add("gap-report");
  const f = out.funnel;
  main.innerHTML = `<h1>${esc(t("gapReportTitle"))}</h1>
    <form id="gap-month" class="row no-print"><label>${esc(t("gapMonth"))} <input type="month" name="month" value="${esc(out.month)}" required></label>
      <button type="submit">${esc(t("gapShow"))}</button>
      <button type="button" class="plain" id="gap-csv">${esc(t("gapCsv"))}</button>
      <button type="button" class="plain" id="gap-print">${esc(t("gapPrint"))}</button></form>
    <p><strong>${esc(gapFill(t("gapReportFor"), { month: new Intl.DateTimeFormat(locale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${out.month}-01T00:00:00Z`)) }))}</strong> · <small>${esc(out.computed_at ? gapFill(t("gapComputed"), { when: when(out.computed_at) }) : t("gapNotYet"))}</small></p>
    ${f ? `<h2>${esc(t("gapFunnel"))}</h2>${gapFunnel(f)}` : ""}
    ${Object.entries(out.sections).map(([by, rows]) => `<section class="gap-part"><h2 id="gap-part-${by}">${esc(t(`gapBy_${by}`))}</h2>${rows.length ? `<div class="gap-scroll" role="region" tabindex="0" aria-labelledby="gap-part-${by}"><table class="gap-table">
      <thead><tr>${["gapRank", "gapName", "gapResolved", "gapSatisfied", "gapAnswers", "gapGap", "gapShrunk", "gapPeers", "gapFlag"].map((k) => `<th scope="col">${esc(t(k))}</th>`).join("")}</tr></thead>
      <tbody>${rows.map((r) => `<tr${r.flagged ? ' class="flagged"' : ""}><td>${esc(num(r.rank))}</td><th scope="row">${esc(named(r))}</th>
        <td>${esc(pct(r.resolved_rate))}</td><td>${GAP_COLUMNS[2][2](r)}</td><td>${esc(num(r.counts.verdicts))}</td>
        <td>${esc(pct(r.gap))}</td><td>${esc(pct(r.gap_shrunk))}</td><td>${esc(pct(r.peer_gap_mean))}</td><td>${GAP_COLUMNS[5][2](r)}</td></tr>`).join("")}</tbody></table></div>`
      : `<p>${esc(t("gapNone"))}</p>`}</section>`).join("")}`;
  main.querySelector("#gap-month").onsubmit = (ev) => {
    ev.preventDefault();
    location.hash = `#/admin/report?month=${encodeURIComponent(new FormData(ev.target).get("month"))}`;
  };
  main.querySelector("#gap-print").onclick = () => window.print();
  const csv = main.querySelector("#gap-csv");
  csv.onclick = () => busy(csv, () => download(`/v1/admin/insights/satisfaction-report?month=${encodeURIComponent(out.month)}&format=csv`, `awaaz-satisfaction-${out.month}.csv`));
}
