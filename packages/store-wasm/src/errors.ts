/**
 * Every expected failure of the store, with a stable code. The messages are etcd's own (without the
 * "etcdserver: " prefix the gRPC layer adds), so clients that match on them keep working.
 */
export type StoreErrorCode =
  | 'Compacted'
  | 'FutureRev'
  | 'EmptyKey'
  | 'KeyNotFound'
  | 'ValueProvided'
  | 'LeaseProvided'
  | 'LeaseNotFound'
  | 'LeaseExists'
  | 'LeaseTTLTooLarge'
  | 'TooManyOps'
  | 'DuplicateKey'
  | 'RequestTooLarge'
  | 'Closed'
  | 'Corrupt'
  | 'NoSpace'
  | 'DiskFailure'
  | 'DataDirUnusable'
  | 'InvalidArgument';

const messages: Record<StoreErrorCode, string> = {
  Compacted: 'mvcc: required revision has been compacted',
  FutureRev: 'mvcc: required revision is a future revision',
  EmptyKey: 'key is not provided',
  KeyNotFound: 'key not found',
  ValueProvided: 'value is provided',
  LeaseProvided: 'lease is provided',
  LeaseNotFound: 'requested lease not found',
  LeaseExists: 'lease already exists',
  LeaseTTLTooLarge: 'too large lease TTL',
  TooManyOps: 'too many operations in txn request',
  DuplicateKey: 'duplicate key given in txn request',
  RequestTooLarge: 'request is too large',
  Closed: 'store is closed',
  Corrupt: 'data is corrupt',
  NoSpace: 'mvcc: database space exceeded',
  DiskFailure: 'disk failure',
  DataDirUnusable: 'data directory cannot be used',
  InvalidArgument: 'invalid argument',
};

export interface StoreErrorDetails {
  /** For Compacted: the revision the store has been compacted to. */
  compactRevision?: number;
  /** For FutureRev: the store's current revision. */
  currentRevision?: number;
  /** For Corrupt: the file and byte offset of the damage. */
  file?: string;
  offset?: number;
}

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly details: StoreErrorDetails;

  constructor(code: StoreErrorCode, detail?: string, details: StoreErrorDetails = {}) {
    super(detail ? `${messages[code]}: ${detail}` : messages[code]);
    this.name = 'StoreError';
    this.code = code;
    this.details = details;
  }

  /** The bare etcd message for this code, without detail. */
  static messageOf(code: StoreErrorCode): string {
    return messages[code];
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
