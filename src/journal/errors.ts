import type { IntentState, UnavailableReason } from './types.js';

/**
 * The journal's error family. Callers branch on the class (and `reason`), never on text:
 * - `JournalUnavailableError`: the disk refused (full, read-only, I/O); nothing was written.
 * - `JournalSchemaError`: the file was made by a newer version of this code.
 * - `JournalOwnerError`: the file belongs to another terminal.
 * - `UnknownIntentError`, `IntentResolvedError`: a commit or abort that cannot apply.
 * - `AckBeyondJournalError`: the office acknowledged events this journal never wrote.
 * - `DenyListVersionError`: a deny-list delta that does not start at the applied version.
 * Invalid arguments (a bad payload, a reserved event type) are bugs: TypeError or RangeError.
 */
export class JournalError extends Error {
  override readonly name: string = 'JournalError';
}

const REASON_TEXT: Record<UnavailableReason, string> = {
  'disk-full': 'the disk is full',
  'read-only': 'the disk or the journal file is read-only',
  'io-error': 'the disk failed to read or write',
};

export class JournalUnavailableError extends JournalError {
  override readonly name = 'JournalUnavailableError';
  readonly reason: UnavailableReason;
  constructor(reason: UnavailableReason, options: { cause: unknown; path?: string }) {
    const where = options.path === undefined ? '' : ` (${options.path})`;
    const detail = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`journal unavailable${where}: ${REASON_TEXT[reason]}${detail}`, { cause: options.cause });
    this.reason = reason;
  }
}

export class JournalSchemaError extends JournalError {
  override readonly name = 'JournalSchemaError';
  readonly fileVersion: number;
  readonly codeVersion: number;
  constructor(path: string, fileVersion: number, codeVersion: number) {
    super(
      `journal ${path} has schema version ${fileVersion}, newer than this software knows (${codeVersion}); ` +
        'run a newer version of the terminal software, or move the file aside',
    );
    this.fileVersion = fileVersion;
    this.codeVersion = codeVersion;
  }
}

export class JournalOwnerError extends JournalError {
  override readonly name = 'JournalOwnerError';
  constructor(path: string, fileTerminal: string, terminal: string) {
    super(`journal ${path} belongs to terminal ${fileTerminal}, not ${terminal}; each terminal keeps its own journal`);
  }
}

export class UnknownIntentError extends JournalError {
  override readonly name = 'UnknownIntentError';
  readonly intentId: number;
  constructor(intentId: number) {
    super(`no intent ${intentId} in the journal`);
    this.intentId = intentId;
  }
}

export class IntentResolvedError extends JournalError {
  override readonly name = 'IntentResolvedError';
  readonly intentId: number;
  readonly state: Exclude<IntentState, 'open'>;
  constructor(intentId: number, state: Exclude<IntentState, 'open'>) {
    super(`intent ${intentId} is already ${state}`);
    this.intentId = intentId;
    this.state = state;
  }
}

export class AckBeyondJournalError extends JournalError {
  override readonly name = 'AckBeyondJournalError';
  readonly upToSeq: number;
  readonly lastSeq: number;
  constructor(upToSeq: number, lastSeq: number) {
    super(`acknowledgement up to seq ${upToSeq}, but the journal's last seq is ${lastSeq}`);
    this.upToSeq = upToSeq;
    this.lastSeq = lastSeq;
  }
}

export class DenyListVersionError extends JournalError {
  override readonly name = 'DenyListVersionError';
  readonly currentVersion: number;
  readonly fromVersion: number;
  constructor(currentVersion: number, fromVersion: number) {
    super(`deny-list delta starts at version ${fromVersion}, but version ${currentVersion} is applied; a snapshot is needed`);
    this.currentVersion = currentVersion;
    this.fromVersion = fromVersion;
  }
}
