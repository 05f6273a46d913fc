import { describe, expect, it } from 'vitest';
import { brokerConfigSchema, clientOptions } from './broker-config.js';

describe('clientOptions', () => {
  const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
  const readFile = (path: string) => Buffer.from(files[path] ?? '');

  it('leaves reconnecting to the caller and starts a clean session', () => {
    const o = clientOptions(brokerConfigSchema.parse({ url: 'mqtt://broker:1883' }), readFile, 'T-1');
    expect(o).toMatchObject({ clientId: 'T-1', protocolVersion: 5, reconnectPeriod: 0, resubscribe: false, clean: true, rejectUnauthorized: true });
  });

  it('does not have mqtt-packet pre-build a buffer for every packet ID', () => {
    expect(clientOptions(brokerConfigSchema.parse({ url: 'mqtt://broker:1883' }), readFile, 'T-1').writeCache).toBe(false);
  });

  it('reads the TLS files it is given', () => {
    const o = clientOptions(brokerConfigSchema.parse({ url: 'mqtts://broker:8883', ca: '/ca.pem', cert: '/cert.pem', key: '/key.pem', clientId: 'X' }), readFile, 'T-1');
    expect([o.ca, o.cert, o.key].map(String)).toEqual(['CA', 'CERT', 'KEY']);
    expect(o.clientId).toBe('X');
  });
});
