import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { blankCardForLayout, createFileIssuerSigner, inspectCard, issueCard, newCardId, type CardInspection, type GrantRequest } from '../../free-area/index.js';
import { openWallet } from '../../reader/emulator/index.js';
import { listPcscReaders } from '../../reader/pcsc.js';
import { cardContext, cardOptions, emulatorCardPath, openCard } from '../card-access.js';
import { UsageError, type Command } from '../command.js';
import { formatInspection } from '../format-inspection.js';

export const cardReadersCommand: Command = {
  path: ['card', 'readers'],
  summary: 'list the PC/SC readers pcscd sees',
  options: {},
  async run(_values, _positionals, io) {
    const readers = await listPcscReaders();
    io.out(readers.length ? readers.join('\n') : 'pcscd is running but sees no reader');
    return 0;
  },
};

export const cardInspectCommand: Command = {
  path: ['card', 'inspect'],
  summary: 'read our application on a card and show header, grants and value slots',
  details: 'Never selects a statutory application and never reads the 個人番号. Problems (bad signature, torn slot) are listed, not thrown.',
  options: { ...cardOptions, json: { type: 'boolean', help: 'print JSON instead of a table' } },
  async run(values, _positionals, io) {
    const ctx = cardContext(values);
    const card = await openCard(values);
    let inspection: CardInspection;
    try {
      inspection = await inspectCard(card.channel, ctx);
    } finally {
      await card.close();
    }
    io.out(values['json'] ? JSON.stringify(inspection, null, 2) : formatInspection(inspection));
    return inspection.problems.length === 0 ? 0 : 1;
  },
};

export const cardIssueCommand: Command = {
  path: ['card', 'issue'],
  summary: 'issue a test grant under the development key (real issuance is done by the office)',
  options: {
    ...cardOptions,
    'new-card': { type: 'boolean', help: 'create the emulated card file first (a fresh card with our application installed)' },
    label: { type: 'string', help: 'label of a new emulated card', placeholder: 'text' },
    programme: { type: 'string', help: 'programme ID: municipality code (6 digits) - number', default: '102016-1', placeholder: 'id' },
    unit: { type: 'string', help: 'coupon | yen | entry', default: 'coupon', placeholder: 'unit' },
    amount: { type: 'string', help: 'units granted over the validity', default: '120', placeholder: 'n' },
    from: { type: 'string', help: 'first valid day (YYYY-MM-DD, Japan time)', placeholder: 'day' },
    until: { type: 'string', help: 'last valid day (YYYY-MM-DD, Japan time)', placeholder: 'day' },
    daily: { type: 'string', help: 'uses per day (0: no limit)', default: '0', placeholder: 'n' },
    monthly: { type: 'string', help: 'units per month (0: no limit)', default: '0', placeholder: 'n' },
    serial: { type: 'string', help: 'grant serial', placeholder: 'n' },
  },
  async run(values, _positionals, io) {
    const ctx = cardContext(values);
    const reader = String(values['reader'] ?? '');
    const grant = grantFromOptions(values);
    if (values['new-card']) createEmulatedCardFile(reader, ctx, values['label'] as string | undefined);
    const signer = createFileIssuerSigner(resolve(String(values['keys'])));
    const card = await openCard(values);
    try {
      const result = await issueCard(card.channel, { ...ctx, signer }, [grant]);
      io.out(`card ${result.cardId}: ${result.programmes.map((p) => `programme ${p.index} ${p.action} (serial ${p.serial})`).join(', ')}; ${result.apdus} APDUs`);
    } finally {
      await card.close();
    }
    return 0;
  },
};

function createEmulatedCardFile(reader: string, ctx: ReturnType<typeof cardContext>, label: string | undefined): void {
  if (!reader.startsWith('emulator:')) throw new UsageError('--new-card needs --reader emulator:<card file>');
  const { dir, name } = emulatorCardPath(reader);
  if (existsSync(resolve(dir, `${name}.card.json`))) throw new UsageError(`${name}.card.json exists already in ${dir}`);
  const cardId = newCardId((n) => new Uint8Array(randomBytes(n)));
  openWallet(dir).save(name, blankCardForLayout(ctx.layout, ctx.keys, cardId, label ? { label } : {}));
}

function grantFromOptions(values: Record<string, unknown>): GrantRequest {
  const m = /^(\d{6})-(\d{1,3})$/.exec(String(values['programme']));
  if (!m) throw new UsageError('--programme is a 6-digit municipality code, a dash and a number, e.g. 102016-1');
  const unit = String(values['unit']);
  if (unit !== 'coupon' && unit !== 'yen' && unit !== 'entry') throw new UsageError('--unit is coupon, yen or entry');
  const year = new Date().getUTCFullYear();
  const num = (key: string) => {
    const n = Number(values[key]);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${key} must be a whole number ≥ 0`);
    return n;
  };
  return {
    programme: { municipality: Number(m[1]), number: Number(m[2]) },
    unit,
    amount: num('amount'),
    validFrom: String(values['from'] ?? `${year}-01-01`),
    validUntil: String(values['until'] ?? `${year + 1}-03-31`),
    dailyUses: num('daily'),
    monthlyUnits: num('monthly'),
    serial: values['serial'] === undefined ? Math.floor(Date.now() / 1000) : num('serial'),
    ext: new Uint8Array(0),
  };
}
