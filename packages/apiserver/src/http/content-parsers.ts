/**
 * Fastify's own parsers would answer 415 and 400 in their own format and reject an empty JSON body (which
 * client-node sends with DELETE). Ours accept every content type and keep the raw bytes; the handlers decode by
 * type (request-body.ts) and fail as Status.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { APPLY_PATCH, APPLY_PATCH_CBOR, JSON_PATCH, JSON_TYPE, MERGE_PATCH, PROTOBUF_TYPE, STRATEGIC_MERGE_PATCH, YAML_TYPE, type RawBody } from './request-body.js';

/** Registered by name as well as under '*': fastify caches the parser of a named type, not of the catch-all. */
const KNOWN_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE, JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH, APPLY_PATCH_CBOR];

export function installContentParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const keepBytes = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const header = req.headers['content-type'] ?? '';
    const semi = header.indexOf(';');
    const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
    const raw: RawBody = { type, bytes: body as Buffer };
    done(null, raw);
  };
  app.addContentTypeParser(KNOWN_TYPES, { parseAs: 'buffer' }, keepBytes);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, keepBytes);
}
