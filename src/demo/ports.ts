/**
 * Easy-to-remember ports, with a fallback: a port some other program holds is replaced by a
 * free one the system picks, so the demo starts anyway and prints where it went.
 */
import { createServer } from 'node:net';

/** Whether `port` on `host` can be listened on right now. */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done(true)));
  });
}

/** `preferred` when it is free, else 0 (the server then takes any free port). 0 stays 0. */
export async function portOrAny(preferred: number, host: string): Promise<number> {
  if (preferred === 0) return 0;
  return (await portIsFree(preferred, host)) ? preferred : 0;
}
