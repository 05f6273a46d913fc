/**
 * podman for the deployment tests: the engine options this host needs, a build context of the
 * repository as it stands (committed and uncommitted files, none that git ignores), and the
 * check that podman and the Debian 13 base image are there. A missing one fails the test with
 * what to install or run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './terminal-process.js';

/** What deploy/office/Containerfile builds from; `.ci/run` makes it with debootstrap when no registry is reachable. */
export const DEBIAN_13 = 'docker.io/library/debian:trixie-slim';

const exec = promisify(execFile);

export function requirePodman(): void {
  if (spawnSync('podman', ['--version']).error) throw new Error('podman is not installed: apt-get install -y podman runc');
  if (spawnSync('podman', ['image', 'exists', DEBIAN_13]).status !== 0) {
    throw new Error(`${DEBIAN_13} is not in podman's store: pull it, or make it with debootstrap as .ci/run does`);
  }
}

/** runc where installed: crun refuses a host with cgroup v1 and v2 mounted side by side. */
function runtimeOptions(): string[] {
  return spawnSync('runc', ['--version']).status === 0 ? ['--runtime', 'runc'] : [];
}

/**
 * Limits for `podman build` and `podman run`. podman asks the runtime for its own defaults of
 * open files and processes, more than a container on a host with lower limits may take: open
 * files at the host's hard limit, and processes at 4,096, plenty for what runs here.
 */
export function limitOptions(): string[] {
  const nofile = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  return [...(nofile === undefined ? [] : [`--ulimit=nofile=${nofile}:${nofile}`]), '--ulimit=nproc=4096:4096'];
}

/** Behind a TLS-intercepting proxy, npm inside a container needs the proxy's CA: the file Node was given, if any. */
export function extraCa(): string | undefined {
  const ca = process.env['NODE_EXTRA_CA_CERTS'];
  return ca !== undefined && existsSync(ca) ? ca : undefined;
}

export async function podman(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const { stdout, stderr } = await exec('podman', [...runtimeOptions(), ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return `${stdout}${stderr}`;
}

/** A copy of the repository as it stands, without node_modules, dist, data or anything else git ignores. */
export function repositoryCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fa-repository-'));
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  const copy = spawnSync('tar', ['-c', '--null', '-T', '-', '-f', '-'], { cwd: ROOT, input: files.join('\0'), maxBuffer: 512 * 1024 * 1024 });
  const untar = spawnSync('tar', ['-x', '-f', '-', '-C', dir], { input: copy.stdout, maxBuffer: 512 * 1024 * 1024 });
  if (copy.status !== 0 || untar.status !== 0) throw new Error(`could not copy the repository: ${String(copy.stderr)}${String(untar.stderr)}`);
  return dir;
}
