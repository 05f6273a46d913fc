import type { CardInspection } from '../free-area/index.js';

/** A readable table of a card inspection for the terminal. */
export function formatInspection(i: CardInspection): string {
  const lines = [`reader       ${i.reader}`, `ATR          ${i.atr}`, `application  ${i.application}${i.apdus === null ? '' : ` (read in ${i.apdus} APDUs)`}`];
  if (i.header) {
    lines.push(`card ID      ${i.header.cardId}`, `format       v${i.header.formatVersion}, ${i.header.programmeCount} programme(s), area ${i.header.areaSize} bytes, auth key v${i.header.authKeyVersion}`);
  }
  for (const p of i.programmes) {
    lines.push('', `programme ${p.index}: ${p.status}`);
    if (p.grant) {
      const g = p.grant;
      const id = `${String(g.programme.municipality).padStart(6, '0')}-${g.programme.number}`;
      lines.push(
        `  grant      ${id}  ${g.amount} ${g.unit}  valid ${g.validFrom} .. ${g.validUntil}`,
        `  limits     ${g.dailyUses || '-'} per day, ${g.monthlyUnits || '-'} per month; serial ${g.serial}; issuer key v${g.keyVersion}`,
      );
    }
    for (const s of p.slots) {
      const st = s.state;
      const detail = st ? `seq ${st.seq}, used ${st.used}, day ${st.day ?? '-'} x${st.dayUses}, month ${st.month ?? '-'} ${st.monthUnits}, terminal ${st.lastTerminal}, ${new Date(st.time * 1000).toISOString()}` : s.seq === null ? '' : `claims seq ${s.seq}`;
      lines.push(`  slot ${s.slot}     ${s.kind.padEnd(9)} ${detail}${p.current === s.slot ? '  <- current' : ''}`);
    }
    if (p.grant && p.state) lines.push(`  remaining  ${p.grant.amount - p.state.used} ${p.grant.unit}`);
  }
  if (i.problems.length) lines.push('', 'problems:', ...i.problems.map((p) => `  ${p.where}: ${p.error}: ${p.message}`));
  return lines.join('\n');
}
