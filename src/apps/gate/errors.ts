/**
 * The error family of the gate app. Every class has a stable `name` and an optional `cause`;
 * callers branch on the class, never on the message. Refusals are not errors: they are
 * values returned by `decideEntry`.
 */

export class GateError extends Error {
  override readonly name: string = 'GateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The access-rights extension ends before its fields do. */
export class TruncatedAccessRightsError extends GateError {
  override readonly name = 'TruncatedAccessRightsError';
}

/** The access-rights extension carries a version this terminal does not know. */
export class UnknownAccessRightsVersionError extends GateError {
  override readonly name = 'UnknownAccessRightsVersionError';
  readonly version: number;
  constructor(version: number) {
    super(`gate access rights have version ${version}, which this terminal does not know`);
    this.version = version;
  }
}

/** A field of the access rights holds a value the format does not allow. */
export class MalformedAccessRightsError extends GateError {
  override readonly name = 'MalformedAccessRightsError';
}

/** The gate configuration is invalid; `issues` lists every bad field. */
export class GateConfigError extends GateError {
  override readonly name = 'GateConfigError';
  readonly issues: readonly string[];
  constructor(issues: readonly string[], options?: { cause?: unknown }) {
    super(`invalid gate configuration:\n  ${issues.join('\n  ')}`, options);
    this.issues = issues;
  }
}

/** The persisted anti-passback state cannot be read back. */
export class AntiPassbackStateError extends GateError {
  override readonly name = 'AntiPassbackStateError';
}

/** A door actuator failed to run its command; reported as a value, never thrown into a tap. */
export class ActuatorError extends GateError {
  override readonly name = 'ActuatorError';
}
