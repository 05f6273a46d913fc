import { describe, expect, it } from 'vitest';
import { fromHex } from '../iso7816.js';
import { DEFAULT_ATR, blankCardImage } from './blank-image.js';
import { CardImageError, parseCardImage } from './image.js';
import { fixtureImage } from './test-fixture.js';

function issuesOf(json: unknown): string[] {
  try {
    parseCardImage(json);
  } catch (error) {
    if (error instanceof CardImageError) return error.issues;
    throw error;
  }
  throw new Error('the image was accepted');
}

describe('card image', () => {
  it('accepts a valid image and returns an equal copy', () => {
    const image = fixtureImage();
    const parsed = parseCardImage(JSON.parse(JSON.stringify(image)));
    expect(parsed).toEqual(image);
    expect(parsed).not.toBe(image);
  });

  it('lists every problem with its path', () => {
    const image = fixtureImage();
    const app = image.applications[0];
    if (!app) throw new Error('fixture has no application');
    const [first, second] = app.files;
    if (!first || !second) throw new Error('fixture has too few files');
    app.files = [{ ...first, data: '00' }, { ...second, fid: first.fid, sfi: 31, update: { auth: 9 } }];
    const issues = issuesOf({ ...image, format: 'fa-emulated-card/0', extra: true });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^format: /),
        expect.stringMatching(/^\(root\): .*extra/),
        expect.stringMatching(/^applications\.0\.files\.0\.data: data must be exactly size bytes/),
        expect.stringMatching(/^applications\.0\.files\.1\.sfi: /),
        expect.stringMatching(/^applications\.0: duplicate fid 101/),
        expect.stringMatching(/^applications\.0\.files\.1\.update: update needs key 9/),
      ]),
    );
  });

  it('refuses reserved file IDs, duplicate AIDs and short AIDs', () => {
    const image = fixtureImage();
    const app = image.applications[0];
    if (!app) throw new Error('fixture has no application');
    const issues = issuesOf({
      ...image,
      applications: [{ ...app, files: [{ ...app.files[1], fid: 0x3f00 }] }, app, { ...app, aid: '0102' }],
    });
    expect(issues.join('\n')).toMatch(/fid 3F00 and FFFF are reserved/);
    expect(issues.join('\n')).toMatch(/duplicate aid/);
    expect(issues.join('\n')).toMatch(/aid must be 5..16 bytes/);
  });

  it('names the root when the input is not an object', () => {
    expect(issuesOf('hello')[0]).toMatch(/^\(root\): /);
  });
});

describe('blank card image', () => {
  it('lays out one application with zeroed files, the default ATR and the given keys', () => {
    const image = blankCardImage({
      aid: fromHex('F046414500'),
      files: [{ fid: 0x2f01, sfi: 3, size: 4, read: 'always', update: { auth: 0x81 } }],
      keys: [{ ref: 0x81, key: fromHex('0011') }],
    });
    expect(image).toEqual({
      format: 'fa-emulated-card/1',
      atr: DEFAULT_ATR,
      applications: [
        {
          aid: 'F046414500',
          keys: [{ ref: 0x81, key: '0011' }],
          files: [{ fid: 0x2f01, sfi: 3, size: 4, read: 'always', update: { auth: 0x81 }, data: '00000000' }],
        },
      ],
    });
  });

  it('keeps a given ATR and label and refuses an impossible layout', () => {
    const image = blankCardImage({ aid: fromHex('F046414500'), files: [], keys: [], atr: fromHex('3B00'), label: 'taro' });
    expect(image).toMatchObject({ atr: '3B00', label: 'taro' });
    expect(() =>
      blankCardImage({ aid: fromHex('F046414500'), files: [{ fid: 1, size: 0, read: 'always', update: 'never' }], keys: [] }),
    ).toThrow(CardImageError);
  });
});
