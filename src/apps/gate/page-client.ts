/**
 * The gate page's script: plain browser JavaScript kept as a string (no bundler on the device).
 * Loads doors, taps, readers and virtual cards from the terminal's API, then follows the event
 * stream (`gate` taps, `gate-door` changes, `status`). Everything shown goes through
 * `textContent`.
 */
export const GATE_PAGE_SCRIPT = String.raw`
'use strict';
const cfg = JSON.parse(document.getElementById('gate-config').textContent);
const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'fa.gate.token.' + cfg.terminalId;
const state = { doors: new Map(), alarms: new Map(), taps: [], tapIds: new Set() };
let token = cfg.token || stored();

const WORDS = {
  in: ['入', 'In'], out: ['出', 'Out'], staff: ['職員', 'Staff'], visitor: ['来訪者', 'Visitor'],
  locked: ['施錠', 'Locked'], unlocked: ['解錠中', 'Unlocked'], open: ['開', 'Open'], closed: ['閉', 'Closed'], unknown: ['位置不明', 'No position input'],
  ok: ['OK', 'OK'], ng: ['NG', 'NG'], again: ['再タッチ', 'Again'], ignored: ['—', '—'],
  'anti-passback-violation': ['入退記録の不一致（通行は許可）', 'Anti-passback flagged (allowed)'],
  'door-forced': ['こじ開け', 'Door forced'], 'door-held-open': ['開放しすぎ', 'Held open'],
};

function stored() { try { return localStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
function both(key) { const w = WORDS[key] || [key, key]; return w[0] === w[1] ? w[0] : w[0] + ' ' + w[1]; }
function bilingual(ja, en) { const p = el('span', '', ja); const s = el('span', 'sec', en); const f = document.createDocumentFragment(); f.append(p, s); return f; }
function time(ms) { return new Date(ms).toLocaleTimeString('ja-JP', { timeZone: 'Asia/Tokyo', hour12: false }); }

function askToken(wrong) {
  if (wrong) { token = null; try { localStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage unavailable */ } }
  $('token-error').hidden = !wrong;
  $('token-dialog').hidden = false;
  $('token-input').focus();
}
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token-input').value.trim();
  try { localStorage.setItem(TOKEN_KEY, token); } catch (err) { /* kept for this page only */ }
  $('token-dialog').hidden = true;
});

async function api(method, path, body) {
  if (method !== 'GET' && !token) { askToken(false); return null; }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) { askToken(true); return null; }
  return res.json();
}

function renderDoors() {
  const box = $('doors');
  box.replaceChildren();
  for (const door of state.doors.values()) {
    const d = el('div', 'door');
    d.dataset.door = door.id;
    d.append(el('strong', '', door.name || door.id));
    const badges = el('div', 'state');
    badges.append(el('span', 'badge ' + door.lock, both(door.lock)), el('span', 'badge ' + door.position, both(door.position)));
    const alarm = state.alarms.get(door.id);
    if (alarm) badges.append(el('span', 'badge alarm', both(alarm)));
    d.append(badges, el('div', 'meta', '読み取り機 Readers: ' + door.readers.in + (door.readers.out ? ' / ' + door.readers.out : '') + ' · anti-passback ' + door.antiPassback));
    const buttons = el('div', 'state');
    const release = el('button', '', '手動解錠 Release');
    release.addEventListener('click', () => api('POST', '/api/gate/doors/' + encodeURIComponent(door.id) + '/open', {}).then(applyDoor));
    buttons.append(release);
    if (door.position !== 'unknown') {
      for (const p of ['open', 'closed']) {
        const b = el('button', '', (p === 'open' ? '扉を開ける Open' : '扉を閉める Close') + ' (模擬 simulated)');
        b.addEventListener('click', () => api('POST', '/api/gate/doors/' + encodeURIComponent(door.id) + '/position', { position: p }).then(applyDoor));
        buttons.append(b);
      }
    }
    d.append(buttons);
    const list = el('ul', 'meta');
    for (const p of door.lastPassages) list.append(el('li', '', time(p.at) + ' ' + both(p.direction) + ' ' + both(p.pass) + ' ' + p.holder));
    d.append(list);
    box.append(d);
  }
}

function applyDoor(body) {
  if (!body || !body.door) return;
  setDoor(body.door);
}

/** An unlocked door locks again after its open time: ask the terminal then. */
function setDoor(door) {
  state.doors.set(door.id, door);
  renderDoors();
  if (door.lock === 'unlocked') setTimeout(refreshDoors, door.openMs + 250);
}

async function refreshDoors() {
  const body = await api('GET', '/api/gate/doors');
  if (body) { for (const d of body.doors) state.doors.set(d.id, d); renderDoors(); }
}

function addTap(tap) {
  if (state.tapIds.has(tap.id)) return;
  state.tapIds.add(tap.id);
  state.taps.unshift(tap);
  state.taps.length = Math.min(state.taps.length, 30);
  renderTaps();
}

function renderTaps() {
  const list = $('taps');
  list.replaceChildren();
  for (const tap of state.taps) {
    const li = el('li', 'tap');
    li.dataset.result = tap.result;
    li.append(el('span', 'verdict ' + tap.result, WORDS[tap.result][0]));
    const what = el('div');
    what.append(bilingual(tap.message.ja, tap.message.en));
    const notes = [];
    if (tap.remainingEntries !== null) notes.push('残り ' + tap.remainingEntries + ' 回 / ' + tap.remainingEntries + ' entries left');
    for (const f of tap.flags) notes.push(both(f));
    if (tap.confirmedEarlierWrite) notes.push('前回の書き込みを確認 earlier write confirmed');
    for (const n of notes) what.append(el('div', 'meta', n));
    li.append(what);
    const meta = [time(tap.at), tap.reader, tap.direction ? both(tap.direction) : '', tap.pass ? both(tap.pass) : '', tap.holder || '', tap.reason || ''];
    li.append(el('span', 'meta', meta.filter(Boolean).join(' · ')));
    list.append(li);
  }
}

function renderReaders(status) {
  const list = $('readers');
  list.replaceChildren();
  for (const r of status.readers || []) {
    const where = cfg.readers.find((x) => x.reader === r.name);
    const text = r.name + (where ? ' → ' + where.door + ' ' + both(where.direction) : '') + ' · ' + (r.attached ? '接続 attached' : '未接続 detached') + (r.present ? ' · カードあり card present' : '');
    list.append(el('li', r.attached ? '' : 'error', text));
  }
  const up = status.readerService === 'up' || status.readerService === true;
  $('st-service').textContent = up ? '読み取り機 OK Readers up' : '読み取り機停止 Readers down';
  $('st-service').className = 'chip ' + (up ? 'good' : 'bad');
  const backlog = status.backlog ?? (status.journal && status.journal.backlog);
  if (backlog !== undefined) $('st-backlog').textContent = '未送信 Backlog ' + backlog;
}

function renderCards(cards) {
  const box = $('cards');
  box.replaceChildren();
  for (const card of cards) {
    const row = el('div', 'card');
    const p = card.programmes[0];
    row.append(el('span', '', card.label + (p && p.unit === 'entry' && p.amount ? ' (' + p.used + '/' + p.amount + ')' : '')));
    const buttons = el('span', 'buttons');
    for (const r of cfg.readers) {
      const b = el('button', 'go', both(r.direction) + ' ' + r.reader);
      b.dataset.card = card.name;
      b.dataset.reader = r.reader;
      b.addEventListener('click', async () => {
        b.disabled = true;
        try { const tap = await api('POST', '/api/emulator/tap', { card: card.name, reader: r.reader }); if (tap && tap.id) addTap(tap); } finally { b.disabled = false; }
        loadCards();
      });
      buttons.append(b);
    }
    row.append(buttons);
    box.append(row);
  }
}

async function loadCards() { if (cfg.emulator) { const body = await api('GET', '/api/emulator/cards'); if (body) renderCards(body.cards); } }

async function load() {
  const [doors, taps, status] = await Promise.all([api('GET', '/api/gate/doors'), api('GET', '/api/gate/taps'), api('GET', '/status')]);
  state.doors = new Map(doors.doors.map((d) => [d.id, d]));
  state.taps = []; state.tapIds = new Set();
  for (const t of taps.taps.slice().reverse()) addTap(t);
  renderDoors(); renderTaps(); renderReaders(status);
  loadCards();
}

const events = new EventSource('/api/events');
events.addEventListener('open', () => { $('st-link').hidden = true; load(); });
events.addEventListener('error', () => { $('st-link').hidden = false; $('st-link').textContent = '接続が切れました Link lost'; });
events.addEventListener('gate', (e) => addTap(JSON.parse(e.data)));
events.addEventListener('status', (e) => renderReaders(JSON.parse(e.data)));
events.addEventListener('gate-door', (e) => {
  const change = JSON.parse(e.data);
  if (change.kind === 'alarm' && change.alarm) state.alarms.set(change.door.id, change.alarm.kind);
  if (change.kind === 'position' && change.door.position === 'closed') state.alarms.delete(change.door.id);
  setDoor(change.door);
});
`;
