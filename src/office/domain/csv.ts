/**
 * CSV that Excel opens as it should: UTF-8 with a byte-order mark (without it, Japanese
 * Excel reads Shift_JIS and garbles the text), CRLF line ends, fields quoted when they hold a
 * comma, quote or line break. A text field that starts like a formula (= + - @) is prefixed
 * with an apostrophe, so a spreadsheet never evaluates what a terminal wrote; numbers stay numbers.
 */
export type CsvCell = string | number | boolean | null;

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return BOM + [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
