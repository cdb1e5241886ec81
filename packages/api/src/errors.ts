/**
 * Every API error is a meta/v1 Status with a stable `reason` (the code clients switch on) and an HTTP code. Builders
 * here produce the messages kubectl prints after "Error from server (<reason>): ", in the formats the real server
 * uses, so scripts that grep them keep working. Throw a StatusError; the server turns it into the response body.
 */
import type { Status } from './object.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'UnprocessableEntity';

export const codeOfReason: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  UnprocessableEntity: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

/** The resource an error is about: `{group: 'apps', resource: 'deployments'}`; group '' is core. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** One reason a request failed validation, addressed by field path (`spec.template.spec.containers[0].image`). */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export class StatusError extends Error {
  readonly status: Status;
  readonly code: number;
  readonly reason: StatusReason;

  constructor(reason: StatusReason, message: string, details?: Status['details'], code = codeOfReason[reason]) {
    super(message);
    this.name = 'StatusError';
    this.reason = reason;
    this.code = code;
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details !== undefined) this.status.details = details;
  }
}

export function isStatusError(err: unknown, reason?: StatusReason): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.reason === reason);
}

/** `deployments.apps`, or `pods` for the core group. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string): Status['details'] {
  const d: NonNullable<Status['details']> = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError('NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError('AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name));
}

export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, details(gr, name));
}

export const MODIFIED_CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

export function staleConflict(gr: GroupResource, name: string): StatusError {
  return conflict(gr, name, MODIFIED_CONFLICT);
}

/** 422 with one cause per field error: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: NonNullable<Status['details']> = { name, kind, causes };
  if (group) d.group = group;
  return new StatusError('Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, d);
}

export function badRequest(message: string): StatusError {
  return new StatusError('BadRequest', message);
}

export function forbidden(gr: GroupResource, name: string, why: string, causes?: StatusCause[]): StatusError {
  const d = details(gr, name)!;
  if (causes) d.causes = causes;
  const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return new StatusError('Forbidden', `${subject} is forbidden: ${why}`, d);
}

export function methodNotAllowed(): StatusError {
  return new StatusError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function notAcceptable(accepted: string[]): StatusError {
  return new StatusError('NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): StatusError {
  return new StatusError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: `unsupported media type "${contentType}"` }] },
  );
}

export function requestEntityTooLarge(limit: number): StatusError {
  return new StatusError('RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** A watch or continue token older than what the server still holds. */
export function expired(message: string): StatusError {
  return new StatusError('Expired', message);
}

export function gone(message: string): StatusError {
  return new StatusError('Gone', message);
}

export function tooOldResourceVersion(requested: number | string, oldest: number): StatusError {
  return expired(`too old resource version: ${requested} (${oldest})`);
}

export function internalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StatusError('InternalError', `Internal error occurred: ${msg}`, { causes: [{ reason: '', message: msg }] });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError('ServiceUnavailable', message);
}

export function timeout(message: string): StatusError {
  return new StatusError('Timeout', message);
}

/** A successful Status, as DELETE of a collection (or of an object, when asked) returns. */
export function successStatus(gr: GroupResource, name: string, uid?: string): Status {
  const d = details(gr, name)!;
  if (uid) d.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d };
}
