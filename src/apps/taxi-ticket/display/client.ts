/**
 * The display script's second half: the keypad, the ride buttons, the token, the terminal's
 * API and its live event stream. Plain browser JavaScript kept as a string (no bundler on the
 * device); CLIENT_RENDER supplies the rendering helpers it calls.
 */
import { CLIENT_RENDER } from './client-render.js';

const CLIENT_MAIN = String.raw`
const TOKEN_KEY = 'fa.taxi.token.' + cfg.terminalId;
let token = cfg.token || storedToken();
const state = { view: null, buffer: '', rideKey: null, busy: false };
const MAX_DIGITS = 6;

function storedToken() { try { return localStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }

function askToken(wrong) {
  if (wrong) { token = null; try { localStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage unavailable */ } }
  $('token-error').hidden = !wrong;
  $('token-dialog').hidden = false;
  $('token-input').value = '';
  $('token-input').focus();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('token-input').value.trim();
  if (!value) return;
  token = value;
  try { localStorage.setItem(TOKEN_KEY, value); } catch (err) { /* kept for this page only */ }
  $('token-dialog').hidden = true;
  refresh();
});

/** Calls the terminal. Returns the JSON body, or null after showing why it failed (unless quiet). */
async function api(method, path, body, quiet) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    if (!quiet) showResult('warn', [bi(T.unreachable, 'p', 'verdict')]);
    return null;
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (res.status === 401) { askToken(true); return null; }
  if (!res.ok) {
    if (!quiet) {
      const why = data && data.message ? data.message : (data && data.error) || 'HTTP ' + res.status;
      showResult('warn', [bi(T.refused, 'p', 'verdict'), bi(why, 'p', 'reason')]);
    }
    return null;
  }
  return data || {};
}

function updateControls() {
  const ride = state.view && state.view.ride;
  const open = !!ride && ride.status === 'open';
  const readout = $('fare-readout');
  readout.textContent = state.buffer ? yen(state.buffer) : open ? yen(ride.fareYen) : yen(0);
  readout.classList.toggle('placeholder', !state.buffer);
  $('btn-open').disabled = state.busy || open;
  $('btn-close').disabled = state.busy || !open;
  $('btn-cancel').disabled = state.busy || !open || ride.riders.length > 0;
  $('btn-fare').disabled = state.busy || !open || !state.buffer || Number(state.buffer) === ride.fareYen;
}

/** Shows a ride; the result area changes only when the ride opens, closes or is cancelled. */
function applyRide(view) {
  const first = state.rideKey === null;
  state.view = normalizeView(view);
  const ride = state.view && state.view.ride;
  const key = ride ? ride.rideId + ':' + ride.status : 'none';
  const changed = key !== state.rideKey;
  state.rideKey = key;
  renderRide(state.view);
  updateControls();
  if (!changed) return;
  if (ride && ride.status === 'open') showResult('idle', [bi(T.waiting, 'p', 'verdict')]);
  else if (ride && ride.status === 'closed') {
    const cash = state.view.summary ? state.view.summary.cashToCollectYen : ride.fareYen;
    showResult('info', [bi(fill(T.collect, yen(cash)), 'p', 'verdict')]);
  } else if (ride) showResult('info', [bi(T.cancelled, 'p', 'verdict')]);
  else if (first) showResult('idle', [bi(T.idle, 'p', 'verdict')]);
}

function press(key) {
  if (key === 'C') state.buffer = '';
  else if (key === 'Backspace') state.buffer = state.buffer.slice(0, -1);
  else if (/^[0-9]$/.test(key) && state.buffer.length < MAX_DIGITS && !(state.buffer === '' && key === '0')) state.buffer += key;
  updateControls();
}

async function act(path, body, after) {
  if (state.busy) return;
  state.busy = true;
  updateControls();
  try {
    const data = await api('POST', path, body);
    if (data && 'ride' in data) {
      applyRide(data.ride);
      if (after) after(data);
    }
  } finally {
    state.busy = false;
    updateControls();
  }
}

function typedFare() {
  const fare = Number(state.buffer);
  if (!fare) { showResult('warn', [bi(T.enterFare, 'p', 'verdict')]); return null; }
  return fare;
}

$('btn-open').addEventListener('click', () => {
  const fare = typedFare();
  if (fare) act('/api/taxi/ride', { fareYen: fare }, () => { state.buffer = ''; });
});
$('btn-close').addEventListener('click', () => act('/api/taxi/ride/close', {}));
$('btn-cancel').addEventListener('click', () => act('/api/taxi/ride/cancel', {}));
$('btn-fare').addEventListener('click', () => {
  const fare = typedFare();
  if (fare) act('/api/taxi/ride/fare', { fareYen: fare }, () => {
    state.buffer = '';
    showResult('info', [bi(fill(T.fareCorrected, yen(fare)), 'p', 'verdict')]);
  });
});
document.querySelector('.keypad').addEventListener('click', (e) => {
  const key = e.target.closest('button[data-key]');
  if (key) press(key.dataset.key);
});
document.addEventListener('keydown', (e) => {
  if (!$('token-dialog').hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  if (/^[0-9]$/.test(e.key) || e.key === 'Backspace') press(e.key);
  else if (e.key === 'Escape' || e.key === 'Delete') press('C');
  else return;
  e.preventDefault();
});

async function holdCard(name, button) {
  button.disabled = true;
  try {
    const outcome = await api('POST', '/api/emulator/tap', { card: name });
    if (outcome) showOutcome(outcome);
  } finally {
    button.disabled = false;
    loadCards();
  }
}

async function loadCards() {
  if (!cfg.emulator) return;
  const data = await api('GET', '/api/emulator/cards', undefined, true);
  if (data && Array.isArray(data.cards)) renderCards(data.cards, holdCard);
}

/** GET /status as the status line needs it. */
function statusOf(s) {
  const sync = s.sync || {};
  const online = [sync.online, sync.connected].find((v) => typeof v === 'boolean');
  return { readers: s.readers, readerService: s.readerService, backlog: s.journal ? s.journal.backlog : s.backlog, online };
}

async function refresh() {
  const [ride, status] = await Promise.all([api('GET', '/api/taxi/ride', undefined, true), api('GET', '/status', undefined, true)]);
  if (ride && 'ride' in ride) applyRide(ride.ride);
  if (status) renderStatus(statusOf(status));
  loadCards();
}

function parse(data) { try { return JSON.parse(data); } catch (e) { return null; } }

function listen() {
  if (!window.EventSource) return;
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => { $('st-link').hidden = true; refresh(); });
  events.addEventListener('error', () => { $('st-link').hidden = false; });
  events.addEventListener('tap', (e) => { showOutcome(parse(e.data)); loadCards(); });
  events.addEventListener('ride', (e) => applyRide(parse(e.data)));
  events.addEventListener('status', (e) => renderStatus(parse(e.data)));
}

applyRide(null);
if (!token) askToken(false);
refresh();
listen();
`;

/** The page's whole script: one strict-mode closure, nothing global. */
export const DISPLAY_CLIENT_SCRIPT = `(() => {\n'use strict';\n${CLIENT_RENDER}\n${CLIENT_MAIN}\n})();`;
