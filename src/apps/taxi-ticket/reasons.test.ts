import { describe, expect, it } from 'vitest';
import { REASON_CODES, reasonMessage } from './reasons.js';

describe('reason messages', () => {
  it.each(REASON_CODES)('%s has a message in Japanese and in English', (code) => {
    const { ja, en } = reasonMessage(code);
    expect(ja.trim()).not.toBe('');
    expect(en.trim()).not.toBe('');
    expect(ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('gives every reason its own message', () => {
    const ja = new Set(REASON_CODES.map((code) => reasonMessage(code).ja));
    const en = new Set(REASON_CODES.map((code) => reasonMessage(code).en));
    expect(ja.size).toBe(REASON_CODES.length);
    expect(en.size).toBe(REASON_CODES.length);
  });

  it('covers the reasons the issue asks for', () => {
    expect(REASON_CODES).toEqual(
      expect.arrayContaining(['revoked', 'expired', 'not-yet-valid', 'exhausted', 'daily-limit', 'unknown-programme', 'forged', 'unreadable', 'disk-full']),
    );
  });
});
