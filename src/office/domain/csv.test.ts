import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('starts with a BOM, ends lines with CRLF and quotes what needs it', () => {
    expect(toCsv(['名前', 'n'], [['前橋, 交通', 1], ['say "hi"', -500], ['two\nlines', null], [' padded', true]])).toBe(
      '\uFEFF名前,n\r\n"前橋, 交通",1\r\n"say ""hi""",-500\r\n"two\nlines",\r\n" padded",1\r\n',
    );
  });

  it('keeps a spreadsheet from running a cell as a formula, but leaves negative numbers alone', () => {
    expect(toCsv(['a'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)'], [-3]])).toBe('\uFEFFa\r\n"\'=HYPERLINK(""x"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n-3\r\n');
  });
});
