import { describe, expect, it } from 'vitest';
import { REFUSAL_MESSAGES, REFUSAL_REASONS, refusalMessage } from './reasons.js';

describe('refusal messages', () => {
  it.each(REFUSAL_REASONS)('gives %s a Japanese and an English message', (reason) => {
    const message = refusalMessage(reason);
    expect(message).toBe(REFUSAL_MESSAGES[reason]);
    expect(message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(message.en).toMatch(/^[A-Z][^\u3040-\u30ff\u4e00-\u9fff]+\.$/);
  });

  it('gives every reason its own message', () => {
    const ja = new Set(REFUSAL_REASONS.map((r) => REFUSAL_MESSAGES[r].ja));
    const en = new Set(REFUSAL_REASONS.map((r) => REFUSAL_MESSAGES[r].en));
    expect(ja.size).toBe(REFUSAL_REASONS.length);
    expect(en.size).toBe(REFUSAL_REASONS.length);
  });

  it('has messages for exactly the reason codes', () => {
    expect(Object.keys(REFUSAL_MESSAGES).sort()).toEqual([...REFUSAL_REASONS].sort());
  });
});
