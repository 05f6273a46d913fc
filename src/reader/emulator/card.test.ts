import { describe, expect, it } from 'vitest';
import { CardRemovedError } from '../errors.js';
import { toHex } from '../iso7816.js';
import { createEmulatedCard } from './card.js';
import { CardImageError } from './image.js';
import { AID, KEY_2, SELECT_APP, authenticate, fixtureImage, send } from './test-fixture.js';

const SHORT_HEADER_BYTES = (from: number, n: number) =>
  toHex(Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff));

function poweredCard() {
  const card = createEmulatedCard(fixtureImage());
  card.powerOn();
  return card;
}

describe('SELECT', () => {
  it('selects an application by DF name without answering data when P2 is 0C', async () => {
    expect(await send(poweredCard(), SELECT_APP)).toEqual({ data: '', sw: 0x9000 });
  });

  it('answers the FCI with the DF name when P2 is 00 and Le is given', async () => {
    const fci = await send(poweredCard(), `00A4040007${toHex(AID)}00`);
    expect(fci).toEqual({ data: `6F098407${toHex(AID)}`, sw: 0x9000 });
  });

  it('answers 6A82 for an unknown application and 6700 for an empty name', async () => {
    const card = poweredCard();
    expect((await send(card, '00A4040C05A000000001')).sw).toBe(0x6a82);
    expect((await send(card, '00A4040C')).sw).toBe(0x6700);
  });

  it('answers 6A86 for an unsupported P1 or P2', async () => {
    const card = poweredCard();
    expect((await send(card, `00A4040207${toHex(AID)}`)).sw).toBe(0x6a86);
    expect((await send(card, '00A4010C020101')).sw).toBe(0x6a86);
  });

  it('selects an EF under the current DF by file ID with P1 02 or 00', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect((await send(card, '00A4020C020102')).sw).toBe(0x9000);
    expect(await send(card, '00B0000004')).toEqual({ data: '00000000', sw: 0x9000 });
    expect((await send(card, '00A4000C020101')).sw).toBe(0x9000);
    expect(await send(card, '00B0000004')).toEqual({ data: '00010203', sw: 0x9000 });
  });

  it('answers the FCP of an EF with its size, descriptor, file ID and SFI', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect(await send(card, '00A4020402010100')).toEqual({ data: '620E8002012C82010183020101880108', sw: 0x9000 });
  });

  it('does not find an EF before an application is selected, nor an unknown file ID', async () => {
    const card = poweredCard();
    expect((await send(card, '00A4020C020101')).sw).toBe(0x6a82);
    await send(card, SELECT_APP);
    expect((await send(card, '00A4020C020999')).sw).toBe(0x6a82);
    expect((await send(card, '00A4020C03010100')).sw).toBe(0x6700);
  });

  it('selects the MF with 3F00, leaving no application and no current EF', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    await send(card, '00A4020C020101');
    expect((await send(card, '00A4000C023F00')).sw).toBe(0x9000);
    expect((await send(card, '00B0000001')).sw).toBe(0x6986);
    expect((await send(card, '00B0810001')).sw).toBe(0x6a82);
  });
});

describe('READ BINARY', () => {
  it('reads the current EF at a 15-bit offset, with Le 00 meaning 256 bytes', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    await send(card, '00A4020C020101');
    expect(await send(card, '00B0000000')).toEqual({ data: SHORT_HEADER_BYTES(0, 256), sw: 0x9000 });
    expect(await send(card, '00B0010A04')).toEqual({ data: '0A0B0C0D', sw: 0x9000 });
  });

  it('reads by short EF identifier with P2 as offset and makes that EF current', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect(await send(card, '00B0811002')).toEqual({ data: '1011', sw: 0x9000 });
    expect(await send(card, '00B0002002')).toEqual({ data: '2021', sw: 0x9000 });
  });

  it('answers 6986 with no current EF, 6A82 for an unknown SFI and 6A86 for RFU bits in P1', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect((await send(card, '00B0000001')).sw).toBe(0x6986);
    expect((await send(card, '00B0850001')).sw).toBe(0x6a82);
    expect((await send(card, '00B0A10001')).sw).toBe(0x6a86);
  });

  it('answers 6B00 for an offset at or past the end of the EF', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect((await send(card, '00B0824001')).sw).toBe(0x6b00);
    await send(card, '00A4020C020101');
    expect((await send(card, '00B0012C01')).sw).toBe(0x6b00);
  });

  it('returns what there is with 6282 when Le runs past the end of the EF', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    await send(card, '00A4020C020101');
    expect(await send(card, '00B0012808')).toEqual({ data: '28292A2B', sw: 0x6282 });
  });

  it('answers 6700 to a READ BINARY without Le or with a data field', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect((await send(card, '00B08100')).sw).toBe(0x6700);
    expect((await send(card, '00B081000100')).sw).toBe(0x6700);
  });

  it('refuses to read an EF whose key has not been authenticated', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    await send(card, '00A4020C020103');
    expect((await send(card, '00B0000010')).sw).toBe(0x6982);
  });
});

describe('UPDATE BINARY', () => {
  it('refuses an EF that can never be updated', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    expect((await send(card, '00D6810001FF')).sw).toBe(0x6982);
  });

  it('answers 6B00 past the end, 6700 when the data overruns the EF, and 6700 without data or with Le', async () => {
    const card = createEmulatedCard({ ...fixtureImage(), applications: fixtureImage().applications.map((a) => ({ ...a, files: a.files.map((f) => ({ ...f, update: 'always' as const })) })) });
    card.powerOn();
    await send(card, SELECT_APP);
    expect((await send(card, '00D6824001FF')).sw).toBe(0x6b00);
    expect((await send(card, '00D6823F02FFFF')).sw).toBe(0x6700);
    expect((await send(card, '00D68200')).sw).toBe(0x6700);
    expect((await send(card, '00D6820001FF00')).sw).toBe(0x6700);
    expect((await send(card, '00D6823F01FF')).sw).toBe(0x9000);
    expect(card.stats.bytesWritten).toBe(1);
  });
});

describe('other commands and malformed APDUs', () => {
  it('answers 6E00 to a class other than 00 and 6D00 to an unknown instruction', async () => {
    const card = poweredCard();
    expect((await send(card, '80A4040C07' + toHex(AID))).sw).toBe(0x6e00);
    expect((await send(card, '00CA9F7F00')).sw).toBe(0x6d00);
  });

  it('answers 6700 to an APDU shorter than a header or whose Lc disagrees with its length', async () => {
    const card = poweredCard();
    expect((await send(card, '00A404')).sw).toBe(0x6700);
    expect((await send(card, '00A4040C05F0464145')).sw).toBe(0x6700);
    expect((await send(card, '00D6000000')).sw).toBe(0x6700);
  });

  it('answers 6985 to GET RESPONSE when nothing is waiting', async () => {
    expect((await send(poweredCard(), '00C0000010')).sw).toBe(0x6985);
  });
});

describe('the card as a whole', () => {
  it('rejects APDUs with CardRemovedError until it is powered on', async () => {
    const card = createEmulatedCard(fixtureImage());
    await expect(card.process(Uint8Array.of(0, 0xa4, 0, 0x0c))).rejects.toBeInstanceOf(CardRemovedError);
    expect(toHex(card.powerOn())).toBe(toHex(card.atr));
    card.powerOff();
    await expect(card.process(Uint8Array.of(0, 0xa4, 0, 0x0c))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('forgets the selection when powered on again', async () => {
    const card = poweredCard();
    await send(card, SELECT_APP);
    await send(card, '00A4020C020101');
    card.powerOn();
    expect((await send(card, '00B0000001')).sw).toBe(0x6986);
  });

  it('hands out deep copies of its image and reports every change to onWrite', async () => {
    const writes: string[] = [];
    const card = createEmulatedCard(fixtureImage(), { onWrite: (img) => writes.push(img.applications[0]?.files[2]?.data ?? '') });
    const copy = card.image();
    const file = copy.applications[0]?.files[0];
    if (file) file.data = '00'.repeat(300);
    expect(card.image().applications[0]?.files[0]?.data.slice(0, 8)).toBe('00010203');
    card.powerOn();
    await send(card, SELECT_APP);
    await send(card, '00B0810001');
    expect(writes).toEqual([]);
    await authenticate(card, 2, KEY_2);
    await send(card, '00A4020C020103');
    expect((await send(card, '00D6000002ABCD')).sw).toBe(0x9000);
    expect(writes).toEqual([`ABCD${'00'.repeat(14)}`]);
    expect(card.stats).toEqual({ apdus: 6, bytesWritten: 2 });
  });

  it('refuses an invalid image with a CardImageError', () => {
    expect(() => createEmulatedCard({ ...fixtureImage(), atr: 'zz' })).toThrow(CardImageError);
  });
});
