/** /openapi/v3 (index + one document per group/version) and /openapi/v2. */
import type { ResourceRegistry } from '@skiff/api';
import type { FastifyInstance } from 'fastify';
import { notFoundStatus } from '../http/error-handling.js';
import { CACHE_CONTROL, sendStatus } from '../http/respond.js';
import type { OpenApiDocuments } from './openapi-documents.js';

/** Built on first use: deriving every schema takes a moment that most servers (and tests) never need. */
export function registerOpenApiRoutes(app: FastifyInstance, registry: ResourceRegistry): void {
  let docs: Promise<OpenApiDocuments> | undefined;
  // Loaded lazily: the schemas come from @kubernetes/client-node's model classes, a large module.
  const get = () => (docs ??= import('./openapi-documents.js').then((m) => new m.OpenApiDocuments(registry)));
  app.get('/openapi/v3', async (_req, reply) => reply.header('cache-control', CACHE_CONTROL).type('application/json').send((await get()).v3Index()));
  app.get('/openapi/v3/*', async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const doc = (await get()).v3Document(path);
    if (!doc) return sendStatus(reply, notFoundStatus());
    return reply.header('cache-control', 'public, immutable').type('application/json').send(doc);
  });
  // kubectl asks for the protobuf form only; without it, it falls back to its compiled-in types, so 404 is the
  // right answer to a client that does not accept JSON.
  app.get('/openapi/v2', async (req, reply) => {
    const accept = req.headers.accept ?? '*/*';
    if (!/application\/json|\*\/\*/.test(accept)) return sendStatus(reply, notFoundStatus());
    return reply.header('cache-control', CACHE_CONTROL).type('application/json').send((await get()).v2());
  });
}
