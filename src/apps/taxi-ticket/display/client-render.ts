/**
 * The display script's first half: turning what the terminal sends (tap outcomes, the ride,
 * status, virtual cards) into the page. Plain browser JavaScript kept as a string; it only
 * ever sets textContent, never HTML. The second half (client.ts) wires it to the terminal.
 */
export const CLIENT_RENDER = String.raw`
const cfg = JSON.parse(document.getElementById('display-config').textContent);
const T = cfg.text;
const LANG = cfg.lang;
const OTHER = LANG === 'ja' ? 'en' : 'ja';
const $ = (id) => document.getElementById(id);

function group(n) { return String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
function yen(n) { return '\u00a5' + group(n); }
function fill(msg, n) { return { ja: msg.ja.replace('{n}', n), en: msg.en.replace('{n}', n) }; }

function node(tag, cls, children) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  for (const child of children || []) if (child !== null && child !== undefined) el.append(child);
  return el;
}

/** The primary language large, the other beneath it small; a plain string is shown once. */
function bi(msg, tag, cls) {
  const el = node(tag || 'span', cls);
  if (msg && typeof msg === 'object' && typeof msg.ja === 'string') {
    const pri = node('span', 'pri', [String(msg[LANG])]);
    pri.lang = LANG;
    const sec = node('span', 'sec', [String(msg[OTHER])]);
    sec.lang = OTHER;
    el.append(pri, sec);
  } else {
    const only = node('span', 'pri', [String(msg)]);
    only.lang = 'en';
    el.append(only);
  }
  return el;
}

function showResult(kind, parts) {
  const box = $('result');
  box.className = 'result ' + kind;
  box.replaceChildren(...parts.filter(Boolean));
  void box.offsetWidth;
  box.classList.add('flash');
}

function fact(msg) { return bi(msg, 'span', 'fact'); }

function remainingFacts(unit, left) {
  if (!left) return [];
  const isYen = unit === 'yen';
  const out = [fact(isYen ? fill(T.leftYen, yen(left.units)) : fill(T.leftCoupons, group(left.units)))];
  if (left.todayUses !== null && left.todayUses !== undefined) out.push(fact(fill(T.leftToday, group(left.todayUses))));
  if (left.monthUnits !== null && left.monthUnits !== undefined) {
    out.push(fact(isYen ? fill(T.leftMonthYen, yen(left.monthUnits)) : fill(T.leftMonthCoupons, group(left.monthUnits))));
  }
  return out;
}

let lastOutcome = '';
function showOutcome(o) {
  if (!o || typeof o.kind !== 'string') return;
  const key = o.kind + '|' + o.cardId + '|' + o.atMs;
  if (key === lastOutcome) return;
  lastOutcome = key;
  if (o.kind === 'accepted') {
    showResult('ok', [
      bi(T.ok, 'p', 'verdict'),
      o.programmeName ? bi(o.programmeName, 'p', 'programme') : null,
      node('div', 'facts', [fact(fill(T.subsidy, yen(o.subsidyYen))), ...remainingFacts(o.unit, o.remaining)]),
      o.confirmedEarlierWrite ? bi(T.confirmedEarlier, 'p', 'note') : null,
    ]);
  } else if (o.kind === 'rejected') {
    showResult('ng', [bi(T.ng, 'p', 'verdict'), bi(o.message || o.reason, 'p', 'reason')]);
  } else {
    const same = o.message && o.message.ja === T.again.ja;
    showResult('again', [bi(T.again, 'p', 'verdict'), o.message && !same ? bi(o.message, 'p', 'note') : null]);
  }
}

/** A ride view from any of the shapes the API uses: { ride, summary }, a bare ride, or null. */
function normalizeView(x) {
  if (!x) return null;
  if (x.ride && typeof x.ride === 'object' && x.ride.rideId) return { ride: x.ride, summary: x.summary || null };
  if (x.rideId) return { ride: x, summary: null };
  return null;
}

function unitsText(unit, units) {
  return unit === 'yen' ? yen(units) : fill({ ja: '{n}回', en: '{n}\u00d7' }, group(units))[LANG];
}

function renderRide(view) {
  const ride = view && view.ride;
  const sum = view && view.summary;
  const stateKey = !ride ? 'rideNone' : ride.status === 'open' ? 'rideOpen' : ride.status === 'closed' ? 'rideClosed' : 'rideCancelled';
  $('ride-state').replaceChildren(bi(T[stateKey]));
  $('ride-fare').textContent = ride ? yen(ride.fareYen) : '\u2014';
  $('ride-subsidy').textContent = sum ? yen(sum.totalSubsidyYen) : '\u2014';
  $('ride-cash').textContent = sum ? yen(sum.cashToCollectYen) : ride ? yen(ride.fareYen) : '\u2014';
  const units = {};
  for (const tap of (ride && ride.riders) || []) units[tap.cardId] = tap.unit;
  const rows = (sum ? sum.riders : (ride && ride.riders) || []).map((r, i) => {
    const li = node('li', 'rider', [(i + 1) + '. \u2026' + String(r.cardId).slice(-4) + ' ' + unitsText(units[r.cardId], r.units) + ' ']);
    li.append(bi(fill(T.subsidy, yen(r.subsidyYen))));
    return li;
  });
  const list = $('ride-riders');
  if (rows.length) list.replaceChildren(...rows);
  else list.replaceChildren(ride && ride.status === 'open' ? node('li', 'empty', [bi(T.noRiders)]) : '');
}

function chip(id, cls, msg, title) {
  const el = $(id);
  el.className = 'chip ' + cls;
  el.replaceChildren(bi(msg));
  el.title = title || '';
}

function readerAttached(r) {
  if (!r) return false;
  return typeof r.attached === 'boolean' ? r.attached : !!(r.present ?? r.connected);
}

/**
 * The status line from a status event or GET /status, normalized by statusOf:
 * { readers: [{ name, attached }], readerService, backlog, online }. What a message leaves out keeps its chip.
 */
function renderStatus(s) {
  if (!s) return;
  const readers = Array.isArray(s.readers) ? s.readers : Array.isArray(s.reader) ? s.reader : null;
  if (readers) {
    const ready = readers.filter(readerAttached);
    const names = readers.map((r) => r && r.name).join(', ');
    const up = s.readerService !== false && s.readerService !== 'down';
    const ok = up && ready.length > 0;
    chip('st-reader', ok ? 'good' : 'bad', ok ? T.readerReady : T.readerMissing, names);
  }
  if (typeof s.backlog === 'number') chip('st-backlog', s.backlog > 0 ? 'warn' : 'good', fill(T.backlog, group(s.backlog)));
  if (typeof s.online === 'boolean') chip('st-online', s.online ? 'good' : 'warn', s.online ? T.online : T.offline);
}

function cardLeft(p) {
  const left = typeof p.remaining === 'number' ? p.remaining : typeof p.amount === 'number' ? p.amount - (p.used || 0) : null;
  if (left === null) return null;
  return (p.unit === 'yen' ? fill(T.leftYen, yen(left)) : fill(T.leftCoupons, group(left)))[LANG];
}

function renderCards(cards, onHold) {
  const box = $('emulator-cards');
  if (!box) return;
  if (!cards.length) { box.replaceChildren(bi(T.noCards, 'p', 'empty')); return; }
  box.replaceChildren(...cards.map((c) => {
    const lefts = (Array.isArray(c.programmes) ? c.programmes : []).map(cardLeft).filter((x) => x !== null);
    const button = node('button', 'card', [
      node('span', 'card-label', [String(c.label || c.name)]),
      lefts.length ? node('span', 'card-left', [lefts.join(' \u00b7 ')]) : null,
      bi(T.holdCard, 'span', 'card-hold'),
    ]);
    button.type = 'button';
    button.dataset.card = String(c.name);
    button.addEventListener('click', () => onHold(String(c.name), button));
    return button;
  }));
}
`;
