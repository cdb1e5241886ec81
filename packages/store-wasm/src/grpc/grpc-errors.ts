import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { StoreError, isStoreError, type StoreErrorCode } from '../errors.js';

/**
 * Errors between the store and the wire, as etcd's rpctypes define them: the status code and the exact message
 * ("etcdserver: " + the store's message), so etcd clients recognise them (clientv3 matches on the message).
 */

const PREFIX = 'etcdserver: ';

const grpcCodes: Record<StoreErrorCode, status> = {
  Compacted: status.OUT_OF_RANGE,
  FutureRev: status.OUT_OF_RANGE,
  EmptyKey: status.INVALID_ARGUMENT,
  KeyNotFound: status.INVALID_ARGUMENT,
  ValueProvided: status.INVALID_ARGUMENT,
  LeaseProvided: status.INVALID_ARGUMENT,
  LeaseNotFound: status.NOT_FOUND,
  LeaseExists: status.FAILED_PRECONDITION,
  LeaseTTLTooLarge: status.OUT_OF_RANGE,
  TooManyOps: status.INVALID_ARGUMENT,
  DuplicateKey: status.INVALID_ARGUMENT,
  RequestTooLarge: status.INVALID_ARGUMENT,
  Closed: status.UNAVAILABLE,
  Corrupt: status.DATA_LOSS,
  NoSpace: status.RESOURCE_EXHAUSTED,
  DiskFailure: status.UNAVAILABLE,
  DataDirUnusable: status.FAILED_PRECONDITION,
  InvalidArgument: status.INVALID_ARGUMENT,
};

/** etcd words some of these differently on the wire than the store does internally. */
const wireMessages: Partial<Record<StoreErrorCode, string>> = {
  Closed: 'server stopped',
  Corrupt: 'corrupt cluster',
};

/** An error the API layer itself raises, already in wire form. */
export class ApiError extends Error {
  constructor(
    readonly grpcCode: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function invalidSortOption(): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, `${PREFIX}invalid sort option`);
}

export function emptyRequestOp(): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, `${PREFIX}request op has no request set`);
}

/**
 * The wire form of any error a handler meets. Store errors keep etcd's exact message (details go to the log, not
 * the wire, because clients match messages exactly); InvalidArgument has no etcd twin, so its detail is kept.
 * Anything else is a bug: INTERNAL, and `internal` is true so the caller logs it loudly.
 */
export function toGrpcError(err: unknown): { error: Partial<StatusObject>; internal: boolean } {
  if (err instanceof ApiError) return { error: { code: err.grpcCode, details: err.message }, internal: false };
  if (isStoreError(err)) {
    const message = err.code === 'InvalidArgument' ? err.message : (wireMessages[err.code] ?? StoreError.messageOf(err.code));
    return { error: { code: grpcCodes[err.code], details: PREFIX + message }, internal: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: status.INTERNAL, details: `skiff-store: internal error: ${message}` }, internal: true };
}

/** Codes a client may see that are not store outcomes: the transport, deadlines, a server that is not etcd. */
export type EtcdRpcErrorCode = 'Unavailable' | 'DeadlineExceeded' | 'Canceled' | 'ResourceExhausted' | 'Unimplemented' | 'Internal' | 'Unknown';

/** A failed RPC that is not one of the store's expected outcomes. `grpcCode` and `details` are as received. */
export class EtcdRpcError extends Error {
  constructor(
    readonly code: EtcdRpcErrorCode,
    readonly grpcCode: number,
    readonly details: string,
    readonly endpoint: string,
  ) {
    super(`${details} (gRPC ${status[grpcCode] ?? grpcCode} from ${endpoint})`);
    this.name = 'EtcdRpcError';
  }
}

const byMessage = new Map<string, StoreErrorCode>();
for (const code of Object.keys(grpcCodes) as StoreErrorCode[]) {
  byMessage.set(PREFIX + (wireMessages[code] ?? StoreError.messageOf(code)), code);
}

function rpcCodeOf(grpcCode: number): EtcdRpcErrorCode {
  switch (grpcCode) {
    case status.UNAVAILABLE:
      return 'Unavailable';
    case status.DEADLINE_EXCEEDED:
      return 'DeadlineExceeded';
    case status.CANCELLED:
      return 'Canceled';
    case status.RESOURCE_EXHAUSTED:
      return 'ResourceExhausted';
    case status.UNIMPLEMENTED:
      return 'Unimplemented';
    case status.INTERNAL:
      return 'Internal';
    default:
      return 'Unknown';
  }
}

/**
 * The client's view of a failed call: etcd's known messages become the StoreError the embedded store would have
 * thrown, so code written against either store handles failures the same way.
 */
export function fromGrpcError(err: ServiceError | Error, endpoint: string): StoreError | EtcdRpcError {
  const se = err as Partial<ServiceError>;
  const details = se.details ?? err.message;
  const grpcCode = typeof se.code === 'number' ? se.code : status.UNKNOWN;
  const known = byMessage.get(details);
  if (known) return new StoreError(known);
  if (details.startsWith(PREFIX + 'invalid argument')) {
    return new StoreError('InvalidArgument', details.slice((PREFIX + 'invalid argument: ').length) || undefined);
  }
  return new EtcdRpcError(rpcCodeOf(grpcCode), grpcCode, details, endpoint);
}

/** For streams: end the call with this status. */
export function statusOf(err: unknown): StatusObject {
  const { error } = toGrpcError(err);
  return { code: error.code ?? status.UNKNOWN, details: error.details ?? '', metadata: new Metadata() };
}
