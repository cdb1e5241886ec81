import { StatusError, badRequest } from '@skiff/api';

/** The patch document itself is malformed (400). */
export function malformedPatch(message: string): StatusError {
  return badRequest(message);
}

/** The patch is well formed but cannot be applied to this object (422, as the real server answers). */
export function unappliablePatch(message: string): StatusError {
  return new StatusError('Invalid', message);
}
