/**
 * Fastify's own parsers would answer 415 and 400 in their own format and reject an empty JSON body (which
 * client-node sends with DELETE). Ours accept every content type and keep the raw bytes; the handlers decode by
 * type (request-body.ts) and fail as Status.
 */
import type { FastifyInstance } from 'fastify';
import type { RawBody } from './request-body.js';

export function installContentParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    const header = req.headers['content-type'] ?? '';
    const type = header.split(';')[0]!.trim().toLowerCase();
    const raw: RawBody = { type, bytes: body as Buffer };
    done(null, raw);
  });
}
