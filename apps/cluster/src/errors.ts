/**
 * The CLI's errors, in one place with stable codes. A UsageError means the command line was wrong (exit 2, with a
 * pointer to --help); a ClusterError means the command was right but could not be carried out (exit 1), and its
 * message says what to do about it.
 */

export type ClusterErrorCode =
  | 'NotRoot'
  | 'AlreadyRunning'
  | 'NotRunning'
  | 'StateMismatch'
  | 'ComponentMissing'
  | 'ComponentFailed'
  | 'StartTimeout'
  | 'NetworkSetup'
  | 'PortInUse'
  | 'CommandFailed'
  | 'ImageImport';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose --help explains the fix, e.g. "skiff up". */
  readonly command: string;

  constructor(command: string, message: string) {
    super(message);
    this.command = command;
  }
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly code: ClusterErrorCode;

  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}

export function isClusterError(e: unknown, code?: ClusterErrorCode): e is ClusterError {
  return e instanceof ClusterError && (code === undefined || e.code === code);
}
