import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../journal/index.js';
import { withBackgroundTapCheck } from './gate-journal.js';

describe('the gate journal with a background tap check', () => {
  it('answers whether a tap can be recorded from its last check, and checks again at once after a failed write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fa-gate-journal-'));
    const journal = openJournal({ path: join(dir, 'journal.db'), terminalId: 'gate-1', now: Date.now });
    const checked = withBackgroundTapCheck(journal, { refreshMs: 60_000 });
    try {
      expect(checked.journal.canAcceptTaps()).toBe(true);
      checked.journal.append('gate-entry', { door: 'main' });
      journal.close();
      expect(checked.journal.canAcceptTaps()).toBe(true);
      expect(() => checked.journal.append('gate-entry', { door: 'main' })).toThrow();
      expect(checked.journal.canAcceptTaps()).toBe(false);
    } finally {
      checked.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
