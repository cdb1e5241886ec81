/**
 * Two kinds of failure leave this package. An ApiError is the server's answer: a meta/v1 Status with its HTTP code,
 * reason and causes, exactly as the server sent it (or synthesized from a non-Status error body the way kubectl
 * does). A ClientError is everything that happened on this side of the wire, with a stable code.
 */
import type { Status, StatusCause, StatusReason } from '@skiff/api';

export class ApiError extends Error {
  readonly status: Status;
  /** The HTTP status code (the Status's `code` when it has one). */
  readonly code: number;
  /** The Status reason ('NotFound', 'Conflict', ...); '' when the server gave none. */
  readonly reason: StatusReason | '';
  readonly causes: StatusCause[];

  constructor(status: Status, httpCode: number) {
    super(status.message ?? `the server responded with status ${httpCode}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = status.code ?? httpCode;
    this.reason = (status.reason as StatusReason | undefined) ?? '';
    this.causes = ((status.details?.causes ?? []) as StatusCause[]).map((c) => ({ ...c, reason: c.reason ?? '', message: c.message ?? '' }));
  }
}

export type ClientErrorCode =
  /** The connection failed, was reset, or the server closed it early. */
  | 'Transport'
  /** A body could not be decoded as JSON. */
  | 'Decode'
  /** A request took longer than its timeout. */
  | 'Timeout'
  /** The kubeconfig is missing, unreadable or incomplete. */
  | 'Kubeconfig'
  /** A resource reference names nothing this client knows. */
  | 'UnknownResource'
  /** A namespaced call without a namespace, or the reverse. */
  | 'BadRequest'
  /** The client, informer or queue has been closed. */
  | 'Closed';

export class ClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}

export function isApiError(err: unknown, reason?: StatusReason): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.reason === reason);
}

export const isNotFound = (err: unknown): boolean => isApiError(err) && (err.reason === 'NotFound' || (err.reason === '' && err.code === 404));
export const isAlreadyExists = (err: unknown): boolean => isApiError(err, 'AlreadyExists');
export const isConflict = (err: unknown): boolean => isApiError(err, 'Conflict');
export const isInvalid = (err: unknown): boolean => isApiError(err, 'Invalid');
/** 410: a resourceVersion or continue token the server no longer holds. */
export const isExpired = (err: unknown): boolean => isApiError(err) && (err.reason === 'Expired' || err.reason === 'Gone' || err.code === 410);
export const isForbidden = (err: unknown): boolean => isApiError(err, 'Forbidden');

/** Whether retrying the same request later may succeed: throttling, server trouble, or a broken connection. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ClientError) return err.code === 'Transport' || err.code === 'Timeout';
  return isApiError(err) && (err.code === 429 || err.code >= 500);
}

/** The Status kubectl would show for a non-Status error body: it wraps the text the same way. */
export function statusFromBody(httpCode: number, body: string): Status {
  let message: string;
  let reason: StatusReason | undefined;
  if (httpCode === 404) {
    message = 'the server could not find the requested resource';
    reason = 'NotFound';
  } else if (httpCode >= 500) {
    message = `an error on the server ("${body.slice(0, 1024)}") has prevented the request from succeeding`;
    reason = httpCode === 503 ? 'ServiceUnavailable' : httpCode === 504 ? 'Timeout' : 'InternalError';
  } else {
    message = body.slice(0, 1024) || `the server responded with status ${httpCode}`;
    reason = httpCode === 409 ? 'Conflict' : httpCode === 429 ? 'TooManyRequests' : httpCode === 410 ? 'Expired' : undefined;
  }
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: httpCode };
  if (reason) status.reason = reason;
  return status;
}
