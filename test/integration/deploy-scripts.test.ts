/**
 * The deployment material as shipped: every shell script under deploy/ passes shellcheck,
 * every systemd unit passes `systemd-analyze verify` and keeps its hardening, the example
 * terminal configurations pass the terminal's own schema and fit the unit, and the health
 * probe does what its unit promises for each answer of /healthz. A missing tool fails the
 * test with the package that provides it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOfficeConfig } from '../../src/office/config.js';
import { parseTerminalConfig } from '../../src/terminal/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = join(ROOT, 'deploy');
const EXAMPLES = join(DEPLOY, 'examples');
const UNIT_SUFFIXES = ['.service', '.timer', '.socket', '.path'];
/** `systemd-analyze security` exposure, 0.0 (best) to 10.0; every unit here rates 2.0 or better. */
const MAX_EXPOSURE = 2.5;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Runs a tool; a missing one is an error that names the Debian package to install. */
function run(tool: string, pkg: string, args: readonly string[], cwd = ROOT): { status: number; output: string } {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: apt-get install -y ${pkg}`);
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

const scripts = filesUnder(DEPLOY, (name) => name.endsWith('.sh'));
const units = filesUnder(DEPLOY, (name) => UNIT_SUFFIXES.some((suffix) => name.endsWith(suffix)));

describe('deploy/ shell scripts', () => {
  it('are there to check', () => {
    expect(scripts.map((f) => relative(DEPLOY, f))).toEqual(
      expect.arrayContaining(['raspberry-pi/install.sh', 'raspberry-pi/fa-terminal-health.sh', 'office/backup.sh', 'office/restore.sh']),
    );
  });

  it.each(scripts.map((f) => [relative(ROOT, f), f]))('%s passes shellcheck', (_name, file) => {
    const { status, output } = run('shellcheck', 'shellcheck', ['--external-sources', file]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});

describe('deploy/ systemd units', () => {
  it('are there to check', () => {
    expect(units.map((f) => relative(DEPLOY, f))).toEqual(
      expect.arrayContaining(['raspberry-pi/fa-terminal.service', 'raspberry-pi/fa-terminal-health.timer', 'office/fa-office.service', 'office/fa-office-backup.timer']),
    );
  });

  // verify loads each unit as systemd would (offline, no running systemd needed) and checks
  // that every ExecStart= program exists: /usr/bin/node and /bin/bash on this machine.
  it.each(units.map((f) => [relative(ROOT, f), f]))('%s passes systemd-analyze verify', (_name, file) => {
    for (const exec of readFileSync(file, 'utf8').matchAll(/^ExecStart=(\S+)/gm)) {
      if (!existsSync(exec[1] ?? '')) throw new Error(`${exec[1]} (ExecStart of ${file}) is not on this machine; systemd-analyze verify needs it`);
    }
    const { status, output } = run('systemd-analyze', 'systemd', ['verify', '--man=no', file], dirname(file));
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it.each(units.filter((f) => f.endsWith('.service')).map((f) => [relative(ROOT, f), f]))('%s keeps its hardening', (_name, file) => {
    const { output } = run('systemd-analyze', 'systemd', ['security', '--offline=true', '--no-pager', file], dirname(file));
    const exposure = Number(/Overall exposure level for \S+: (\d+\.\d)/.exec(output)?.[1]);
    expect(exposure, output).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('give the terminal the directory its configurations write to, and nothing else', () => {
    const unit = readFileSync(join(DEPLOY, 'raspberry-pi/fa-terminal.service'), 'utf8');
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^StateDirectory=fa$/m);
    expect(unit).not.toMatch(/^ReadWritePaths=/m);
    expect(unit).toMatch(/--config \/etc\/fa\/terminal\.json$/m);
  });
});

describe('deploy/examples configurations', () => {
  const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;

  it.each(['taxi.json', 'gate.json'])('%s is valid, on real readers, with its state where the unit lets it write', (name) => {
    const config = parseTerminalConfig(load(name), name);
    expect(config.reader.kind).toBe('pcsc');
    expect(config.dataDir).toBe('/var/lib/fa');
    expect(config.card.keys).toBe('/etc/fa/keys');
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.sync?.url).toMatch(/^mqtts:\/\//);
  });

  it('taxi.json runs the taxi app and gate.json the gate, with a GPIO door', () => {
    expect(parseTerminalConfig(load('taxi.json')).app.kind).toBe('taxi');
    const gate = parseTerminalConfig(load('gate.json')).app;
    if (gate.kind !== 'gate') throw new Error('gate.json is not a gate');
    expect(gate.actuator.kind).toBe('gpio');
    expect(gate.gate.doors.length).toBeGreaterThan(0);
  });

  it('office.json is valid, on PostgreSQL and a TLS broker, with its keys kept and the example taxi registered', () => {
    const office = parseOfficeConfig(load('office.json'), 'office.json');
    const setup = readFileSync(join(DEPLOY, 'office/postgres-setup.sql'), 'utf8');
    expect(office.store).toMatchObject({ kind: 'postgres', schema: /\\set schema (\w+)/.exec(setup)?.[1] });
    expect(office.broker).toMatchObject({ url: expect.stringMatching(/^mqtts:\/\//), group: 'office' });
    expect(office.keys).toEqual({ dir: '/etc/fa/office-keys', create: false });
    expect(office.dataDir).toBe('/var/lib/fa-office');
    const taxi = parseTerminalConfig(load('taxi.json'));
    expect(office.org).toBe(taxi.terminal.org);
    expect(office.registry.terminals).toContainEqual(expect.objectContaining({ terminal: taxi.terminal.id, kind: 'taxi', company: taxi.terminal.company }));
  });

  it('counter.json is a valid counter station (issuer mode) configuration', () => {
    const counter = parseTerminalConfig(load('counter.json'), 'counter.json');
    expect(counter.app).toMatchObject({ kind: 'issuer', office: { url: expect.stringMatching(/\/api\/counter$/) } });
    expect(counter.reader).toMatchObject({ kind: 'pcsc' });
  });
});

describe('fa-terminal-health.sh', () => {
  const probe = join(DEPLOY, 'raspberry-pi/fa-terminal-health.sh');
  let dir: string;
  let server: Server;
  let answer: { status: number; body: unknown } = { status: 200, body: { ok: true, problems: [] } };
  let healthUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fa-health-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'run'));
    // A systemctl that answers from the environment and records what it was asked to do.
    writeFileSync(
      join(dir, 'bin/systemctl'),
      `#!/bin/sh
case "$1" in
  is-active) [ "$FAKE_ACTIVE" = 1 ] ;;
  show) echo "$FAKE_STARTED_US" ;;
  *) echo "$*" >>"${dir}/systemctl.log" ;;
esac
`,
      { mode: 0o755 },
    );
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => (server as Server | undefined)?.close(() => done()) ?? done());
    rmSync(dir, { recursive: true, force: true });
  });

  const actions = (): string[] => (existsSync(join(dir, 'systemctl.log')) ? readFileSync(join(dir, 'systemctl.log'), 'utf8').trim().split('\n') : []);
  const uptimeUs = (): number => Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1_000_000);

  /** One run of the probe, as its timer would start it; the in-process server keeps answering meanwhile. */
  const probeOnce = (env: Record<string, string> = {}): Promise<string> =>
    new Promise((done, fail) => {
      execFile(
        'bash',
        [probe],
        {
          env: {
            PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
            RUNTIME_DIRECTORY: join(dir, 'run'),
            FA_HEALTH_URL: healthUrl,
            FA_HEALTH_FAILURES: '2',
            FA_HEALTH_GRACE: '60',
            FAKE_ACTIVE: '1',
            FAKE_STARTED_US: '0',
            ...env,
          },
          timeout: 20_000,
        },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      );
    });

  const reset = (): void => {
    rmSync(join(dir, 'systemctl.log'), { force: true });
    rmSync(join(dir, 'run/failures'), { force: true });
  };

  it('does nothing while /healthz answers 200', async () => {
    reset();
    answer = { status: 200, body: { ok: true, problems: [] } };
    expect(await probeOnce()).toBe('');
    expect(await probeOnce()).toBe('');
    expect(actions()).toEqual([]);
  });

  it('restarts the terminal after failed probes in a row when nothing answers, and only then', async () => {
    reset();
    const closed = 'http://127.0.0.1:9/healthz';
    expect(await probeOnce({ FA_HEALTH_URL: closed })).toMatch(/^<4>fa-terminal\.service unhealthy \(1 of 2\): HTTP 000/);
    expect(actions()).toEqual([]);
    expect(await probeOnce({ FA_HEALTH_URL: closed })).toMatch(/<3>fa-terminal\.service failed 2 probes in a row: restarting it/);
    expect(actions()).toEqual(['restart --no-block fa-terminal.service']);
  });

  it('counts only failures in a row: a healthy answer in between starts the count again', async () => {
    reset();
    answer = { status: 503, body: { ok: false, problems: ['something'] } };
    await probeOnce();
    answer = { status: 200, body: { ok: true, problems: [] } };
    expect(await probeOnce()).toMatch(/<6>fa-terminal\.service healthy again/);
    answer = { status: 503, body: { ok: false, problems: ['something'] } };
    await probeOnce();
    expect(actions()).toEqual([]);
  });

  it('restarts pcscd, not the terminal, when the terminal reports its readers gone', async () => {
    reset();
    answer = { status: 503, body: { ok: false, problems: ['reader service down', 'no reader attached'] } };
    await probeOnce();
    expect(await probeOnce()).toMatch(/<3>.*restarting pcscd/);
    expect(actions()).toEqual(['restart --no-block pcscd.service']);
  });

  it('restarts nothing when the journal cannot be written, and says so as an error', async () => {
    reset();
    answer = { status: 503, body: { ok: false, problems: ['journal not writable: disk-full'] } };
    await probeOnce();
    expect(await probeOnce()).toMatch(/<3>fa-terminal\.service cannot write its journal.*not restarting/);
    expect(actions()).toEqual([]);
  });

  it('leaves a stopped terminal, and one that has only just started, alone', async () => {
    reset();
    const closed = 'http://127.0.0.1:9/healthz';
    for (let i = 0; i < 3; i += 1) expect(await probeOnce({ FA_HEALTH_URL: closed, FAKE_ACTIVE: '0' })).toBe('');
    for (let i = 0; i < 3; i += 1) expect(await probeOnce({ FA_HEALTH_URL: closed, FAKE_STARTED_US: String(uptimeUs()) })).toBe('');
    expect(actions()).toEqual([]);
  });
});
