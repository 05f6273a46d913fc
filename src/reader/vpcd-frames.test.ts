import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './iso7816.js';
import { createVpcdFrameParser, encodeVpcdFrame } from './vpcd-frames.js';

const collect = () => {
  const frames: string[] = [];
  const parser = createVpcdFrameParser((f) => frames.push(toHex(f)));
  return { frames, parser };
};

describe('encodeVpcdFrame', () => {
  it('prefixes the payload with its big-endian 16-bit length', () => {
    expect(toHex(encodeVpcdFrame(fromHex('9000')))).toBe('00029000');
    expect(toHex(encodeVpcdFrame(Uint8Array.of(4)))).toBe('000104');
    expect(toHex(encodeVpcdFrame(new Uint8Array(0)))).toBe('0000');
    expect(encodeVpcdFrame(new Uint8Array(300)).subarray(0, 2)).toEqual(Uint8Array.of(0x01, 0x2c));
  });

  it('refuses a payload longer than the length field can say', () => {
    expect(() => encodeVpcdFrame(new Uint8Array(0x10000))).toThrow(RangeError);
  });
});

describe('createVpcdFrameParser', () => {
  it('yields one frame per complete message', () => {
    const { frames, parser } = collect();
    parser.push(fromHex('000104'));
    expect(frames).toEqual(['04']);
    expect(parser.pending).toBe(0);
  });

  it('reassembles a frame whose length and payload arrive separately, as vpcd sends them', () => {
    const { frames, parser } = collect();
    parser.push(fromHex('0005'));
    expect(frames).toEqual([]);
    parser.push(fromHex('00A4'));
    parser.push(fromHex('040C'));
    expect(frames).toEqual([]);
    expect(parser.pending).toBe(6);
    parser.push(fromHex('00'));
    expect(frames).toEqual(['00A4040C00']);
  });

  it('splits several frames delivered in one chunk, keeping the start of the next', () => {
    const { frames, parser } = collect();
    parser.push(fromHex('000101 000104 0002 9000 00'));
    expect(frames).toEqual(['01', '04', '9000']);
    expect(parser.pending).toBe(1);
    parser.push(fromHex('0100'));
    expect(frames).toEqual(['01', '04', '9000', '00']);
  });

  it('reads a length split across two chunks', () => {
    const { frames, parser } = collect();
    parser.push(fromHex('00'));
    parser.push(fromHex('0200B0'));
    expect(frames).toEqual(['00B0']);
  });

  it('passes an empty frame through as an empty payload', () => {
    const { frames, parser } = collect();
    parser.push(fromHex('0000000104'));
    expect(frames).toEqual(['', '04']);
  });

  it('stays in step when the frame callback throws', () => {
    let calls = 0;
    const parser = createVpcdFrameParser(() => {
      calls += 1;
      if (calls === 1) throw new Error('listener failed');
    });
    expect(() => parser.push(fromHex('000101'))).toThrow('listener failed');
    parser.push(fromHex('000104'));
    expect(calls).toBe(2);
    expect(parser.pending).toBe(0);
  });
});
