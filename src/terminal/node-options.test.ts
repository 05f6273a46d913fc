import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { TERMINAL_NODE_OPTIONS, heapLimitMb } from './node-options.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the Node options a terminal runs with', () => {
  it('bound the young and old generations and the helper threads', () => {
    expect(TERMINAL_NODE_OPTIONS).toContain('--max-semi-space-size=1');
    expect(TERMINAL_NODE_OPTIONS.some((o) => /^--max-old-space-size=\d+$/.test(o))).toBe(true);
    expect(TERMINAL_NODE_OPTIONS).toContain('--v8-pool-size=1');
  });

  it('are the ones the systemd unit starts the terminal with', () => {
    const execStart = /^ExecStart=(.*)$/m.exec(read('deploy/raspberry-pi/fa-terminal.service'))?.[1] ?? '';
    expect(execStart.split(' ')).toEqual(['/usr/bin/node', ...TERMINAL_NODE_OPTIONS, '/opt/fa/dist/src/cli/main.js', 'terminal', '--config', '/etc/fa/terminal.json']);
  });

  it('are the ones npm start uses', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start']).toContain(`node ${TERMINAL_NODE_OPTIONS.join(' ')} dist/src/cli/main.js terminal`);
  });

  it('are the ones the memory benchmark starts its terminal with', () => {
    expect(read('bench/terminal-process.ts')).toMatch(/spawn\(process\.execPath, \[\.\.\.TERMINAL_NODE_OPTIONS, '--expose-gc', CHILD/);
  });

  it('the heap limit is reported in MB', () => {
    expect(heapLimitMb()).toBeGreaterThan(0);
  });
});
