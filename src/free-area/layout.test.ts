import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT_INPUT, LayoutError, areaSize, defaultLayout, grantRegion, parseLayout, slotRegion } from './index.js';

function issuesOf(input: unknown): string {
  try {
    parseLayout(input);
  } catch (error) {
    if (error instanceof LayoutError) return error.message;
    throw error;
  }
  throw new Error('layout was accepted');
}

describe('card layout', () => {
  it('puts header and the first programme in the first 255 bytes of one EF, both slots within SFI reach', () => {
    const layout = defaultLayout();
    expect(layout.writeAuth).toEqual({ scheme: 'challenge-response', keyRef: 1, dfSpecific: true });
    expect(areaSize(layout)).toBe(239);
    expect(slotRegion(layout, 0, 1).offset + 36).toBe(255);
    expect(slotRegion(layout, 0, 1).offset).toBeLessThanOrEqual(255);
    expect(grantRegion(layout, 3).offset).toBe(16 + 3 * 239);
    expect(layout.files[0]).toEqual({ name: 'main', fid: 0x0101, sfi: 1, size: 1024 });
  });

  it('refuses any AID of the J-LIS RID D392, so no statutory application can be selected', () => {
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, aid: 'D392000000000001' })).toMatch(/D392.*J-LIS/);
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, aid: 'd392f0' })).toMatch(/J-LIS/);
  });

  it('lists every problem of a bad layout at once', () => {
    const message = issuesOf({
      ...DEFAULT_LAYOUT_INPUT,
      files: [{ name: 'main', fid: '3F00', sfi: 31, size: 100 }],
      capacity: 2,
    });
    expect(message).toMatch(/reserved/);
    expect(message).toMatch(/files\.0\.sfi/);
  });

  it('refuses regions that overlap or run past the end of their EF', () => {
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, slots: { file: 'main', offset: 100, stride: 239 } })).toMatch(/overlap/);
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, capacity: 5 })).toMatch(/past the end/);
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, grants: { ...DEFAULT_LAYOUT_INPUT.grants, file: 'other' } })).toMatch(/does not define/);
  });

  it('refuses a programme area over 512 bytes and a grant region smaller than a grant', () => {
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, grants: { file: 'main', offset: 16, stride: 600, size: 450 }, slots: { file: 'main', offset: 466, stride: 600 }, capacity: 1 })).toMatch(/512/);
    expect(issuesOf({ ...DEFAULT_LAYOUT_INPUT, grants: { ...DEFAULT_LAYOUT_INPUT.grants, size: 99 } })).toMatch(/grants\.size/);
  });

  it('refuses duplicate file IDs and SFIs', () => {
    const files = [{ name: 'a', fid: '0101', sfi: 1, size: 1024 }, { name: 'b', fid: 257, sfi: 1, size: 64 }];
    const message = issuesOf({ ...DEFAULT_LAYOUT_INPUT, files });
    expect(message).toMatch(/duplicate file ID/);
    expect(message).toMatch(/duplicate SFI/);
  });

  it('accepts grants and slots in separate EFs, one of them without an SFI', () => {
    const layout = parseLayout({
      aid: 'F046415245413032',
      files: [{ name: 'grants', fid: '0201', size: 680 }, { name: 'state', fid: '0202', sfi: 2, size: 304 }],
      header: { file: 'state', offset: 0 },
      grants: { file: 'grants', offset: 0, stride: 170, size: 170 },
      slots: { file: 'state', offset: 16, stride: 72 },
      capacity: 4,
      writeAuth: { scheme: 'none' },
    });
    expect(slotRegion(layout, 3, 1)).toMatchObject({ offset: 16 + 3 * 72 + 36 });
  });
});
