/**
 * The counter station's page: the orders waiting at this window, the wallet's virtual cards
 * each with a button that holds it to the station's reader, a button for a new blank card, and
 * what the last card got. Plain HTML and a small script; data is rendered with `textContent`.
 */
import { escapeHtml, jsonForScript } from '../apps/taxi-ticket/display/index.js';

export interface CounterPageOptions {
  readonly station: string;
  readonly label: string;
  /** Bearer token for the page's POSTs (put in the page only when the station listens on loopback). */
  readonly token: string | null;
  readonly officeUrl: string;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,"Hiragino Sans","Noto Sans CJK JP",sans-serif;background:#f4f5f7;color:#1d2330}
header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;padding:.6rem 1rem;background:#1d2330;color:#fff}
header h1{font-size:1.1rem;margin:0}
header a{color:#cfe0ff}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:1rem;padding:1rem}
section{background:#fff;border-radius:.6rem;padding:.8rem 1rem;box-shadow:0 1px 3px #0002}
h2{font-size:1rem;margin:0 0 .6rem}
.sec{display:block;font-size:.8em;color:#5b6475;font-weight:400}
.muted{color:#5b6475;font-size:.9rem}
button{font:inherit;min-height:44px;padding:.3rem .8rem;border-radius:.4rem;border:1px solid #98a2b3;background:#fff;cursor:pointer}
button.go{background:#1e7b34;color:#fff;border-color:#1e7b34}
button:disabled{opacity:.5;cursor:default}
ul{list-style:none;margin:0;padding:0}
li{display:flex;justify-content:space-between;align-items:center;gap:.5rem;padding:.4rem 0;border-top:1px solid #e3e6ec}
li:first-child{border-top:0}
code{font-size:.85rem}
#result{font-size:1.2rem;font-weight:700;border-radius:.5rem;padding:.7rem 1rem;background:#e3e6ec}
#result.ok{background:#d8f5df;color:#145c27}#result.ng{background:#fde2e0;color:#8c1d18}
`;

const SCRIPT = `
const cfg = JSON.parse(document.getElementById('cfg').textContent);
const $ = (id) => document.getElementById(id);
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
async function api(method, path, body) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  if (cfg.token) headers.Authorization = 'Bearer ' + cfg.token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json.message || json.error || res.status);
  return json;
}
function show(outcome) {
  const r = $('result');
  const texts = {
    written: ['書き込み完了 OK', 'Written: ' + (outcome.programmes || []).join(', ') + ' on card ' + outcome.cardId],
    'no-order': ['この窓口に交付待ちはありません', 'No order waits at this station for card ' + outcome.cardId + ': order one on the office dashboard first'],
    refused: [outcome.message ? outcome.message.ja : '交付できません', outcome.message ? outcome.message.en : outcome.reason],
    failed: ['書き込みできませんでした', outcome.message || ''],
  }[outcome.kind] || ['?', ''];
  r.className = outcome.kind === 'written' ? 'ok' : 'ng';
  r.replaceChildren(el('div', '', texts[0]), el('div', 'muted', texts[1]));
}
async function loadOrders() {
  const { orders } = await api('GET', '/api/orders');
  const list = $('orders');
  list.replaceChildren();
  if (orders.length === 0) list.append(el('li', 'muted', '交付待ちはありません。No orders waiting.'));
  for (const o of orders) {
    const li = el('li');
    li.append(el('span', '', '#' + o.id + ' ' + o.kind + ' ' + o.programmeId), el('span', 'muted', o.status + (o.cardId ? ' ' + o.cardId : '')));
    list.append(li);
  }
}
async function loadCards() {
  const { cards } = await api('GET', '/api/cards');
  const list = $('cards');
  list.replaceChildren();
  for (const c of cards) {
    const li = el('li');
    li.dataset.card = c.name;
    const text = el('span');
    text.append(el('div', '', c.label), el('code', 'muted', (c.cardId || '?') + ' · ' + (c.programmes.length ? c.programmes.join(', ') : '未発行 blank')));
    const b = el('button', 'go', 'かざす Hold');
    b.onclick = async () => {
      b.disabled = true;
      try { show(await api('POST', '/api/present', { card: c.name })); } catch (e) { show({ kind: 'failed', message: String(e.message || e) }); }
      finally { b.disabled = false; refresh(); }
    };
    li.append(text, b);
    list.append(li);
  }
}
function refresh() { loadOrders().catch(() => {}); loadCards().catch(() => {}); }
$('blank').onclick = async () => { await api('POST', '/api/blank', {}); refresh(); };
refresh();
setInterval(() => loadOrders().catch(() => {}), 3000);
`;

export function renderCounterPage(options: CounterPageOptions): string {
  const title = `窓口端末 Counter station ${options.station}`;
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><span>${escapeHtml(options.label)}</span><a href="${escapeHtml(options.officeUrl)}/issue">交付の指示 Order a card (office)</a></header>
<main>
<section aria-labelledby="result-title"><h2 id="result-title">結果<span class="sec">Last card</span></h2>
<div id="result" role="status" aria-live="polite">カードをかざしてください<div class="muted">Hold a card to the reader</div></div>
<p class="muted">窓口で交付を指示したあと、カードをかざすと署名済みの交付情報が書き込まれます。<br>Order a card for a resident on the office dashboard (this station: ${escapeHtml(options.station)}), then hold the card here: the station writes the grants the office signed.</p></section>
<section aria-labelledby="orders-title"><h2 id="orders-title">交付待ち<span class="sec">Orders waiting at this station</span></h2><ul id="orders"></ul></section>
<section aria-labelledby="cards-title"><h2 id="cards-title">デモカード<span class="sec">Virtual cards: hold one to the counter's reader</span></h2><ul id="cards"></ul>
<p><button id="blank">新しいカードを追加 Add a blank card</button></p></section>
</main>
<script type="application/json" id="cfg">${jsonForScript({ station: options.station, token: options.token })}</script>
<script>${SCRIPT}</script>
</body>
</html>`;
}
