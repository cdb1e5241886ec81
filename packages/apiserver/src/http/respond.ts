/** Writing responses: objects as JSON (or YAML when asked), Status errors, pre-encoded bytes. */
import { StatusError, type Status } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { ResponseFormat } from './media-types.js';
import type { StoredObject } from '../storage/resource-storage.js';

export const CACHE_CONTROL = 'no-cache, private';

export function sendJson(reply: FastifyReply, code: number, body: unknown, format: ResponseFormat = 'json'): FastifyReply {
  reply.code(code).header('cache-control', CACHE_CONTROL);
  if (format === 'yaml') return reply.type('application/yaml').send(toYaml(body));
  return reply.type('application/json').send(JSON.stringify(body));
}

/** Bytes that already hold a JSON document (served straight from the store, see object-codec.ts). */
export function sendBytes(reply: FastifyReply, code: number, body: Buffer, format: ResponseFormat = 'json'): FastifyReply {
  if (format === 'yaml') return sendJson(reply, code, JSON.parse(body.toString('utf8')), format);
  return reply.code(code).header('cache-control', CACHE_CONTROL).type('application/json').send(body);
}

export function sendStatus(reply: FastifyReply, status: Status): FastifyReply {
  return sendJson(reply, status.code ?? 500, status);
}

export function sendError(reply: FastifyReply, err: StatusError): FastifyReply {
  return sendStatus(reply, err.status);
}

/** Warning headers (RFC 7234 form, code 299), as kubectl prints them after "Warning: ". */
export function addWarnings(reply: FastifyReply, warnings: string[]): FastifyReply {
  if (warnings.length) reply.header('warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  return reply;
}

/** A just-written object: its stored bytes with the resourceVersion spliced in, or JSON for a dry run. */
export function sendStored(reply: FastifyReply, code: number, stored: StoredObject, format: ResponseFormat = 'json'): FastifyReply {
  if (stored.rv === 0 || format !== 'json') return sendJson(reply, code, stored.obj, format);
  return sendBytes(reply, code, stored.served, format);
}

/** The answer to an update: the stored bytes when it wrote, else (a no-op, a deletion by finalization) the object. */
export function sendUpdated(reply: FastifyReply, code: number, res: { obj: unknown; stored?: StoredObject }, format: ResponseFormat = 'json'): FastifyReply {
  return res.stored ? sendStored(reply, code, res.stored, format) : sendJson(reply, code, res.obj, format);
}
