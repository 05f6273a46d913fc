/**
 * deploy/raspberry-pi/install.sh and its units on a fresh Debian 13 with systemd as PID 1 (a
 * podman container booting /sbin/init; Raspberry Pi OS trixie is Debian 13 for arm64): the
 * script installs the packages and Node.js 20 from apt, builds the app, creates the user and
 * the configuration, and starts the terminal under its hardened unit. Then the unit does what it
 * promises: the terminal runs as `fa` and answers /healthz, the health probe passes, a `kill -9`
 * is followed by a restart, a stop is graceful, and running the script again updates the app
 * and keeps the journal. The container is privileged because systemd as PID 1 needs on a device
 * what it needs here: the capabilities to set up each unit's namespaces and filters.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/sim/mosquitto-process.js';
import { DEBIAN_13, extraCa, limitOptions, podman, repositoryCopy, requirePodman } from './helpers/podman.js';

const tag = `${process.pid}-${Date.now()}`;
const IMAGE = `localhost/fa-debian13-systemd:${process.pid}`;
const CONTAINER = `fa-pi-${tag}`;
const INSTALL_MS = 600_000;

describe('the Raspberry Pi install under systemd', () => {
  let source = '';
  let cfg = '';
  let port = 0;
  const inside = (args: readonly string[], timeoutMs = 60_000) => podman(['exec', CONTAINER, ...args], timeoutMs);
  const show = async (unit: string, ...properties: string[]): Promise<Record<string, string>> => {
    const out = await inside(['systemctl', 'show', unit, ...properties.map((p) => `--property=${p}`)]);
    return Object.fromEntries(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  };
  const health = async (): Promise<string> => inside(['curl', '--silent', '--max-time', '5', `http://127.0.0.1:${port}/healthz`]).catch((e: Error) => e.message);
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${await inside(['journalctl', '-u', 'fa-terminal', '--no-pager', '-n', '30']).catch(() => '')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const install = async (): Promise<string> => {
    const env = extraCa() === undefined ? [] : ['-e', 'NODE_EXTRA_CA_CERTS=/cfg/extra-ca.pem'];
    return podman(['exec', ...env, CONTAINER, '/src/deploy/raspberry-pi/install.sh', '--config', '/cfg/terminal.json'], INSTALL_MS);
  };

  beforeAll(async () => {
    requirePodman();
    source = repositoryCopy();
    cfg = mkdtempSync(join(tmpdir(), 'fa-pi-cfg-'));
    chmodSync(cfg, 0o755);
    const ca = extraCa();
    if (ca !== undefined) copyFileSync(ca, join(cfg, 'extra-ca.pem'));
    // The container shares the host's network (apt and npm reach their registries); a free port for the terminal.
    port = await freePort();
    writeFileSync(
      join(cfg, 'terminal.json'),
      JSON.stringify({ terminal: { id: 'pi-test-taxi', org: 'ctest', number: 1, company: 'taxi-a' }, http: { host: '127.0.0.1', port }, dataDir: '/var/lib/fa', reader: { kind: 'emulator' }, app: { kind: 'taxi' } }),
      { mode: 0o644 },
    );
    writeFileSync(join(cfg, 'Containerfile'), `FROM ${DEBIAN_13}\nRUN apt-get update && apt-get install -y --no-install-recommends systemd systemd-sysv dbus && rm -rf /var/lib/apt/lists/*\nCMD ["/sbin/init"]\n`);
    await podman(['build', '--network', 'host', ...limitOptions(), '-t', IMAGE, cfg], 300_000);
    await podman(['run', '-d', '--name', CONTAINER, '--privileged', '--systemd=always', '--network', 'host', ...limitOptions(), '-v', `${source}:/src:ro`, '-v', `${cfg}:/cfg:ro`, IMAGE]);
    await until('systemd to boot', async () => /^(running|degraded)$/m.test(await inside(['systemctl', 'is-system-running']).catch((e: { stdout?: string }) => e.stdout ?? '')));
  }, 400_000);

  afterAll(async () => {
    await podman(['rm', '--force', '--ignore', CONTAINER]).catch(() => '');
    await podman(['rmi', '--force', IMAGE]).catch(() => '');
    if (source !== '') rmSync(source, { recursive: true, force: true });
    if (cfg !== '') rmSync(cfg, { recursive: true, force: true });
  });

  it('installs, enables and starts the terminal, which runs as fa and is healthy', async () => {
    const output = await install();
    expect(output).toMatch(/== done/);
    await until('the terminal to answer /healthz', async () => (await health()).includes('"ok":true'));
    const unit = await show('fa-terminal', 'ActiveState', 'User', 'UnitFileState', 'NRestarts');
    expect(unit).toEqual({ ActiveState: 'active', User: 'fa', UnitFileState: 'enabled', NRestarts: '0' });
    const { MainPID } = await show('fa-terminal', 'MainPID');
    expect((await inside(['stat', '-c', '%U', `/proc/${MainPID}`])).trim()).toBe('fa');
    expect(await inside(['journalctl', '-u', 'fa-terminal', '-o', 'cat', '--no-pager'])).toMatch(/"msg":"terminal ready"/);
    expect((await inside(['systemctl', 'is-enabled', 'fa-terminal-health.timer', 'pcscd.socket'])).trim().split('\n')).toEqual(['enabled', 'enabled']);
    // The state directory is the unit's (StateDirectory=fa, mode 0700) and holds the journal.
    expect((await inside(['stat', '-c', '%U %a', '/var/lib/fa'])).trim()).toBe('fa 700');
    expect(await inside(['ls', '/var/lib/fa'])).toMatch(/journal\.db/);
  }, INSTALL_MS + 60_000);

  it('passes its own health probe', async () => {
    await inside(['systemctl', 'start', 'fa-terminal-health.service']);
    expect(await show('fa-terminal-health.service', 'Result', 'ExecMainStatus')).toEqual({ Result: 'success', ExecMainStatus: '0' });
  });

  it('is started again after a kill -9', async () => {
    const before = (await show('fa-terminal', 'MainPID')).MainPID;
    await inside(['systemctl', 'kill', '--signal=KILL', 'fa-terminal']);
    // RestartSec=10s, then the terminal starts in well under a second.
    await until('a restart', async () => {
      const s = await show('fa-terminal', 'MainPID', 'NRestarts', 'ActiveState');
      return s.NRestarts === '1' && s.ActiveState === 'active' && s.MainPID !== before && s.MainPID !== '0';
    }, 40_000);
    await until('the restarted terminal to answer /healthz', async () => (await health()).includes('"ok":true'));
  }, 60_000);

  it('stops gracefully', async () => {
    await inside(['systemctl', 'stop', 'fa-terminal']);
    expect(await show('fa-terminal', 'ActiveState', 'Result')).toEqual({ ActiveState: 'inactive', Result: 'success' });
    expect(await inside(['journalctl', '-u', 'fa-terminal', '-o', 'cat', '--no-pager'])).toMatch(/"msg":"terminal stopped"/);
  });

  it('updates in place when run again: the previous app is kept aside, the journal stays', async () => {
    const inode = async () => (await inside(['stat', '-c', '%i', '/var/lib/fa/journal.db'])).trim();
    const journal = await inode();
    const output = await install();
    expect(output).toMatch(/== done/);
    expect(await inside(['ls', '/opt'])).toMatch(/fa\.old/);
    await until('the updated terminal to answer /healthz', async () => (await health()).includes('"ok":true'));
    expect(await inode()).toBe(journal);
    expect((await show('fa-terminal', 'ActiveState')).ActiveState).toBe('active');
  }, INSTALL_MS + 60_000);
});
