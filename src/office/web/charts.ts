/**
 * Server-rendered inline SVG: rides per day as bars (left axis) and subsidy per day as a
 * line (right axis). No script and no external assets; every bar has a tooltip and the
 * figure a text summary for screen readers.
 */
import { shortDay } from './format.js';
import { count, h, yen } from './html.js';
import type { Html } from './html.js';

export interface DayPoint {
  readonly day: string;
  readonly rides: number;
  readonly subsidyYen: number;
}

const W = 760;
const H = 240;
const PAD = { left: 46, right: 70, top: 28, bottom: 30 };
const TICKS = 4;

/** The smallest 1, 2 or 5 × 10^k step whose TICKS steps reach `max`. */
export function niceStep(max: number): number {
  if (max <= 0) return 1;
  const raw = max / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return Math.max(1, step);
}

function compactYen(n: number): string {
  if (n >= 10_000) return `¥${(n / 10_000).toLocaleString('ja-JP', { maximumFractionDigits: 1 })}万`;
  return yen(n);
}

/**
 * `today` marks that day's bar; `until` ends the subsidy line there, so the days of a month
 * still to come show no line rather than a fall to zero.
 */
export function dailyChart(points: readonly DayPoint[], options: { title: string; today?: string; until?: string }): Html {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const rideStep = niceStep(Math.max(0, ...points.map((p) => p.rides)));
  const yenStep = niceStep(Math.max(0, ...points.map((p) => p.subsidyYen)));
  const rideMax = rideStep * TICKS;
  const yenMax = yenStep * TICKS;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(2, slot * 0.62);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const yRides = (v: number) => PAD.top + plotH - (v / rideMax) * plotH;
  const yYen = (v: number) => PAD.top + plotH - (v / yenMax) * plotH;
  const labelEvery = Math.max(1, Math.ceil(points.length / 10));
  const total = points.reduce((a, p) => ({ rides: a.rides + p.rides, yen: a.yen + p.subsidyYen }), { rides: 0, yen: 0 });
  const summary = `${points[0] ? shortDay(points[0].day) : ''}〜${points.at(-1) ? shortDay((points.at(-1) as DayPoint).day) : ''}: 乗車 ${count(total.rides)}回、助成 ${yen(total.yen)}`;
  const shown = options.until === undefined ? points : points.filter((p) => p.day <= (options.until as string));
  const line = shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${yYen(p.subsidyYen).toFixed(1)}`).join(' ');
  const grid = Array.from({ length: TICKS + 1 }, (_, i) => i);
  const id = `chart-${points[0]?.day ?? 'empty'}-${points.length}`;
  return h`<figure class="panel chart-panel">
<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMidYMid meet">
<title id="${id}-t">${options.title}</title><desc id="${id}-d">${summary}</desc>
${grid.map((i) => {
    const y = PAD.top + plotH - (i / TICKS) * plotH;
    return h`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/>
<text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${count(rideStep * i)}</text>
<text x="${W - PAD.right + 6}" y="${(y + 4).toFixed(1)}">${compactYen(yenStep * i)}</text>`;
  })}
${points.map(
    (p, i) => h`<rect class="bar${p.day === options.today ? ' today' : ''}" x="${(x(i) - barW / 2).toFixed(1)}" y="${yRides(p.rides).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - yRides(p.rides)).toFixed(1)}"><title>${shortDay(p.day)} 乗車 ${count(p.rides)}回・助成 ${yen(p.subsidyYen)}</title></rect>`,
  )}
${shown.length > 0 ? h`<path class="line" d="${line}"/>` : ''}
${shown.map((p, i) => h`<circle class="dot" cx="${x(i).toFixed(1)}" cy="${yYen(p.subsidyYen).toFixed(1)}" r="2.5"/>`)}
${points.map((p, i) => (i % labelEvery === 0 || i === points.length - 1 ? h`<text x="${x(i).toFixed(1)}" y="${H - 10}" text-anchor="middle">${shortDay(p.day)}</text>` : ''))}
<text x="${PAD.left - 6}" y="12" text-anchor="end">回</text>
</svg>
<figcaption class="legend"><span><span class="sw rides"></span>乗車回数(左軸)</span><span><span class="sw subsidy"></span>助成額(右軸)</span><span>${summary}</span></figcaption>
</figure>`;
}
