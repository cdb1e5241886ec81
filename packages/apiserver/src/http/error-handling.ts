/**
 * Every failure leaves as a meta/v1 Status: our StatusErrors as they are, fastify's own errors (body too large,
 * bad content length, malformed URL) mapped to the matching reason, and anything else as a 500 InternalError
 * (which is a bug, logged with its stack).
 */
import { StatusError, internalError, requestEntityTooLarge, type Status } from '@skiff/api';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendStatus } from './respond.js';

export function notFoundStatus(): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  };
}

function fromFastify(err: FastifyError, maxBodyBytes: number): StatusError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return requestEntityTooLarge(maxBodyBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new StatusError('BadRequest', err.message);
    default:
      break;
  }
  const code = err.statusCode ?? 500;
  if (code === 413) return requestEntityTooLarge(maxBodyBytes);
  if (code === 415) return new StatusError('UnsupportedMediaType', err.message);
  if (code >= 400 && code < 500) return new StatusError('BadRequest', err.message, undefined, code);
  return undefined;
}

export function installErrorHandling(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof StatusError) return sendStatus(reply, err.status);
    // A body shaped to exhaust the stack is the client's fault, not ours.
    if (err instanceof RangeError && /call stack/.test(err.message)) {
      return sendStatus(reply, new StatusError('BadRequest', 'the request is nested too deeply to process').status);
    }
    const mapped = fromFastify(err, maxBodyBytes);
    if (mapped) return sendStatus(reply, mapped.status);
    req.log.error({ err }, 'internal error');
    return sendStatus(reply, internalError(err).status);
  });
  app.setNotFoundHandler((_req, reply) => sendStatus(reply, notFoundStatus()));
}
