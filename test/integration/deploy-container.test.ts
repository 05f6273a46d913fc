/**
 * deploy/office/Containerfile under a real container engine (podman): the image builds from the
 * repository as shipped, runs the office as uid 10001 under tini, comes up on PostgreSQL and the
 * machine's Mosquitto with its configuration mounted read-only and its state on a volume, answers
 * /healthz, and stops gracefully on `podman stop` (exit code 0). The base image
 * (Debian 13) must be in podman's store: `.ci/run` makes it from Debian's archive with
 * debootstrap when no registry can be reached. A missing tool or base image fails the test with
 * what to install or run.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/sim/mosquitto-process.js';
import { extraCa, limitOptions, podman, repositoryCopy, requirePodman } from './helpers/podman.js';

const IMAGE = `localhost/fa-office-test:${process.pid}`;
const PG_URL = process.env['FA_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MQTT_URL = process.env['FA_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';

describe('the office container image', () => {
  const tag = `${process.pid}_${Date.now()}`;
  const schema = `fa_container_${tag}`;
  const container = `fa-office-test-${tag}`;
  const volume = `fa-office-test-${tag}`;
  let context = '';
  let config = '';

  beforeAll(() => {
    requirePodman();
    context = repositoryCopy();
    config = mkdtempSync(join(tmpdir(), 'fa-container-etc-'));
    chmodSync(config, 0o755);
  });

  afterAll(async () => {
    await podman(['rm', '--force', '--ignore', container]).catch(() => '');
    await podman(['volume', 'rm', '--force', volume]).catch(() => '');
    await podman(['rmi', '--force', IMAGE]).catch(() => '');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    if (context !== '') rmSync(context, { recursive: true, force: true });
    if (config !== '') rmSync(config, { recursive: true, force: true });
  });

  it('builds from deploy/office/Containerfile', async () => {
    // Behind a TLS-intercepting proxy the build's npm needs the proxy's CA, handed over as a build secret.
    const ca = extraCa();
    const secret = ca === undefined ? [] : ['--secret', `id=extra-ca,src=${ca}`];
    const output = await podman(['build', '--network', 'host', ...limitOptions(), ...secret, '-f', 'deploy/office/Containerfile', '-t', IMAGE, context], 600_000);
    expect(output).toMatch(/Successfully tagged|COMMIT/);
    const inspect = JSON.parse(await podman(['image', 'inspect', IMAGE])) as Array<{ Config: { User: string; Entrypoint: string[]; Volumes?: Record<string, unknown> } }>;
    expect(inspect[0]?.Config.User).toBe('fa-office');
    expect(inspect[0]?.Config.Entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(Object.keys(inspect[0]?.Config.Volumes ?? {})).toEqual(['/var/lib/fa-office']);
  }, 660_000);

  it('runs the office as uid 10001 on PostgreSQL and Mosquitto, healthy, and stops gracefully', async () => {
    const port = await freePort();
    writeFileSync(
      join(config, 'office.json'),
      JSON.stringify({
        org: 'ctest',
        orgName: '試験市',
        dataDir: '/var/lib/fa-office',
        http: { host: '127.0.0.1', port },
        store: { kind: 'postgres', url: PG_URL, schema },
        broker: { url: MQTT_URL, prefix: `fa-container-${tag}/v1` },
        keys: { create: true },
        programmes: [{ id: '102016-1', name: { ja: '前橋市 マイタク', en: 'Maebashi MyTaku' }, unit: 'coupon', amount: 120, dailyUses: 2 }],
      }),
      { mode: 0o644 },
    );
    await podman(['run', '-d', '--name', container, '--network', 'host', ...limitOptions(), '-v', `${config}:/etc/fa:ro`, '-v', `${volume}:/var/lib/fa-office`, IMAGE]);

    let health: { ok?: boolean; checks?: Record<string, string> } = {};
    const deadline = Date.now() + 60_000;
    while (health.ok !== true && Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<typeof health>, () => ({}));
      if (health.ok !== true) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const logs = async () => podman(['logs', container]);
    expect(health, await logs()).toEqual({ ok: true, checks: { store: 'ok', store_kind: 'postgres', broker: 'connected' } });

    expect((await podman(['exec', container, 'id', '-u'])).trim()).toBe('10001');
    // The configuration is mounted read-only; the state volume is the office's to write.
    // Even root in the container cannot write it: the mount itself is read-only, not only the modes.
    expect(await podman(['exec', '--user', 'root', container, 'sh', '-c', 'touch /etc/fa/x 2>&1 || true'])).toMatch(/Read-only file system/);
    expect(await podman(['exec', container, 'ls', '/var/lib/fa-office/keys'])).toMatch(/\S/);
    const top = await podman(['top', container, 'pid', 'user', 'args']);
    expect(top).toMatch(/\n\s*1\s+fa-office\s+\/usr\/bin\/tini -- node \/opt\/fa\/dist\/src\/cli\/main\.js office serve/);

    await podman(['stop', '--time', '20', container]);
    const state = (await podman(['inspect', container, '--format', '{{.State.ExitCode}} {{.State.Status}}'])).trim();
    expect(state).toBe('0 exited');
    expect(await logs()).toMatch(/"msg":"office stopped"/);
  }, 120_000);
});
