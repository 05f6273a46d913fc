/**
 * The office's one stylesheet and one script, served from the office itself so that the
 * pages work offline and under a strict Content-Security-Policy (no inline code).
 */
export const OFFICE_CSS = `
:root { --ink: #1b1f24; --muted: #5b6570; --line: #d5dae0; --bg: #f5f7f9; --card: #fff; --accent: #0b5cad; --ok: #1d7a35; --warn: #a35a00; --ng: #b3261e; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.6;
  font-family: system-ui, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic", Meiryo, sans-serif; }
a { color: var(--accent); }
.en { color: var(--muted); font-size: .78em; font-weight: normal; margin-left: .35em; }
header.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .6rem 1.25rem; background: #0d2b4a; color: #fff; }
header.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; font-size: 1.1rem; }
.brand small { font-weight: 400; opacity: .8; margin-left: .5rem; font-size: .8rem; }
.who { display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
.who .role { background: rgba(255,255,255,.15); border-radius: 999px; padding: .05rem .6rem; }
.who form { margin: 0; }
.who .en { color: #c9d6e3; }
button.link { background: none; border: 1px solid rgba(255,255,255,.5); color: #fff; border-radius: 4px; padding: .25rem .6rem; cursor: pointer; font: inherit; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0; padding: .4rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
nav a { display: block; padding: .35rem .7rem; border-radius: 4px; text-decoration: none; color: var(--ink); }
nav a .en { display: block; margin: 0; font-size: .7rem; }
nav a[aria-current="page"] { background: #e3eefa; color: var(--accent); font-weight: 700; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .6rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.1rem; }
.panel > h2:first-child, .panel > h3:first-child { margin-top: 0; }
.stat .label { color: var(--muted); font-size: .9rem; }
.stat .value { font-size: 1.9rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.stat .sub { color: var(--muted); font-size: .85rem; }
.stat.bad .value { color: var(--ng); }
.stat.good .value { color: var(--ok); }
table { width: 100%; border-collapse: collapse; background: var(--card); font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .45rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
.table-wrap table { border: 0; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .55rem; font-size: .8rem; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { color: var(--ok); } .badge.ng { color: var(--ng); } .badge.warn { color: var(--warn); } .badge.muted { color: var(--muted); }
form.stack { display: grid; gap: .8rem; max-width: 34rem; grid-template-columns: minmax(0, 1fr); }
form.stack input:not([type="checkbox"]), form.stack select, form.stack textarea { width: 100%; }
form.inline { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin: 0 0 1rem; }
label { display: grid; gap: .2rem; font-weight: 600; grid-template-columns: minmax(0, 1fr); }
input, select, textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #9aa5b1; border-radius: 4px; background: #fff; min-height: 2.5rem; max-width: 100%; }
textarea { min-height: 4rem; }
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #f2b600; outline-offset: 1px; }
button, .button { font: inherit; border: 0; border-radius: 4px; padding: .5rem 1rem; background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; min-height: 2.5rem; }
button.danger { background: var(--ng); }
button .en, .button .en { color: inherit; opacity: .85; }
button.secondary .en, .button.secondary .en { color: var(--muted); opacity: 1; }
tfoot th, tfoot td { background: #eef1f4; font-weight: 700; }
button.secondary, .button.secondary { background: #e3e8ee; color: var(--ink); }
.notice { border-left: 4px solid var(--accent); background: #eaf2fb; padding: .6rem .9rem; margin: 0 0 1rem; border-radius: 4px; }
.notice.ok { border-color: var(--ok); background: #e8f5ec; }
.notice.ng { border-color: var(--ng); background: #fbeaea; }
.notice.warn { border-color: var(--warn); background: #fdf3e4; }
.muted { color: var(--muted); }
.chart { width: 100%; height: auto; display: block; }
.chart .bar { fill: #5b8fd1; } .chart .bar.today { fill: var(--accent); }
.chart .line { fill: none; stroke: #d9822b; stroke-width: 2.5; }
.chart .dot { fill: #d9822b; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .axis { stroke: var(--line); }
.legend { display: flex; gap: 1rem; font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
.legend .sw { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.1rem; margin-right: .3rem; border-radius: 2px; }
.legend .sw.rides { background: #5b8fd1; } .legend .sw.subsidy { background: #d9822b; }
.chart-panel { margin: 0 0 1rem; }
.error-page { max-width: 40rem; }
.error-page .code { font-size: 3rem; font-weight: 700; color: var(--muted); margin: 0; }
.login { max-width: 24rem; margin: 1.5rem auto 3rem; }
main:has(> .login) > h1 { text-align: center; margin-top: 2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.statement { background: #fff; padding: 2rem; border: 1px solid var(--line); }
@media (max-width: 640px) {
  header.top { flex-wrap: wrap; padding: .5rem .75rem; }
  .brand small { display: block; margin: 0; }
  button.link .en { display: none; }
  main { padding: .75rem .75rem 2rem; }
}
button.link { white-space: nowrap; }
.chart-panel { overflow-x: auto; }
.chart { min-width: 560px; }
.statement > h2:first-child { margin-top: 0; }
@media print {
  header.top, nav, .no-print { display: none !important; }
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  .statement { border: 0; padding: 0; }
  .en { display: none; }
}
`;

/** Confirmation before forms marked `data-confirm`, print buttons, and reloading a page that waits (`data-refresh`). */
export const OFFICE_JS = `
document.addEventListener('submit', function (e) {
  var form = e.target;
  var question = form && form.getAttribute && form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) e.preventDefault();
});
document.addEventListener('click', function (e) {
  var t = e.target;
  if (t && t.closest && t.closest('[data-print]')) { e.preventDefault(); window.print(); }
});
var refresh = document.querySelector('[data-refresh]');
if (refresh) setTimeout(function () { location.reload(); }, 1000 * Number(refresh.getAttribute('data-refresh') || 5));
`;

/** The tab icon: a rounded square in the header's colour with a white card on it. */
export const OFFICE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0d2b4a"/><rect x="6" y="9" width="20" height="14" rx="2" fill="#fff"/><rect x="9" y="13" width="6" height="6" rx="1" fill="#d9822b"/></svg>`;
