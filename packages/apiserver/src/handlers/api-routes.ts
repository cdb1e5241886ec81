/**
 * The /api and /apis trees: discovery documents and every resource verb, dispatched from the parsed URL (one
 * catch-all route per tree instead of hundreds of fastify routes; see http/request-info.ts).
 */
import { methodNotAllowed, notAcceptable, type ResourceDefinition, type Verb } from '@skiff/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { aggregatedDiscovery } from '../discovery/aggregated-discovery.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from '../discovery/legacy-discovery.js';
import { notFoundStatus } from '../http/error-handling.js';
import { ACCEPTED_RESPONSE_TYPES, DISCOVERY_V2_CONTENT_TYPE, negotiate, parseAccept, type ResponseFormat } from '../http/media-types.js';
import { decodeObjectBody, decodeOptionalBody, objectBodySource } from '../http/request-body.js';
import type { RequestTarget } from '../http/request-info.js';
import { targetOf } from '../pipeline/stages.js';
import { CACHE_CONTROL, sendJson, sendStatus } from '../http/respond.js';
import type { ObjectRest } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';
import { isAccessReview, reviewAccess } from './access-review.js';
import { reviewSelf, reviewToken } from './identity-review.js';
import { patchObject } from './patch-handler.js';
import { serveResourceMetrics } from './resource-metrics.js';
import type { TokenIssuer } from './token-request.js';
import { getObject, listOrWatch } from './read-handlers.js';
import { handleSubresource } from './subresources.js';
import { createObject, deleteCollection, deleteObject, replaceObject } from './write-handlers.js';

export interface ApiRoutesDeps {
  ctx: ServerContext;
  rest: ObjectRest;
  decodeProtobuf: (bytes: Buffer) => unknown;
  /** host:port clients reach the server at (for APIVersions). */
  serverAddress: () => string;
  /** Signs service account tokens (serviceaccounts/token). */
  tokens: TokenIssuer;
  /** log, exec, attach, portforward: proxied to the node that runs the pod. */
  streaming: (
    req: FastifyRequest,
    reply: FastifyReply,
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    subresource: string,
    q: URLSearchParams,
  ) => Promise<FastifyReply | void>;
}

/** Which verb a request is, by method and shape, before permission checks. */
export function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return hasName ? undefined : 'create';
    case 'PUT':
      return hasName ? 'update' : undefined;
    case 'PATCH':
      return hasName ? 'patch' : undefined;
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

function sendDiscovery(reply: FastifyReply, format: ResponseFormat, body: unknown): FastifyReply {
  if (format === 'discovery-v2') {
    // A Buffer, so that fastify sends the content type exactly as written (kubectl matches it).
    return reply.code(200).header('cache-control', CACHE_CONTROL).header('content-type', DISCOVERY_V2_CONTENT_TYPE).send(Buffer.from(JSON.stringify(body)));
  }
  return sendJson(reply, 200, body, format);
}

async function discovery(deps: ApiRoutesDeps, req: FastifyRequest, reply: FastifyReply, target: RequestTarget): Promise<FastifyReply> {
  if (req.method !== 'GET') throw methodNotAllowed();
  const { registry } = deps.ctx;
  const ranges = parseAccept(req.headers.accept);
  if (target.kind === 'discovery-root') {
    const format = negotiate(ranges, { discovery: true });
    if (format === 'none') throw notAcceptable(ACCEPTED_RESPONSE_TYPES);
    if (format === 'discovery-v2') return sendDiscovery(reply, format, aggregatedDiscovery(registry, target.legacy));
    return sendDiscovery(reply, format, target.legacy ? apiVersions(deps.serverAddress()) : apiGroupList(registry));
  }
  const format = negotiate(ranges);
  if (format === 'none') throw notAcceptable(ACCEPTED_RESPONSE_TYPES);
  const doc =
    target.kind === 'discovery-group'
      ? apiGroupDocument(registry, target.group)
      : target.kind === 'discovery-version'
        ? apiResourceList(registry, target.group, target.version)
        : undefined;
  if (!doc) return sendStatus(reply, notFoundStatus());
  return sendDiscovery(reply, format, doc);
}

async function resource(deps: ApiRoutesDeps, req: FastifyRequest, reply: FastifyReply, target: Extract<RequestTarget, { kind: 'resource' }>, q: URLSearchParams) {
  const { ctx, rest } = deps;
  const def: ResourceDefinition | undefined = ctx.registry.get(target.group, target.version, target.resource);
  if (!def || target.rest !== undefined) return sendStatus(reply, notFoundStatus());
  // A namespaced object needs its namespace in the path; a cluster-scoped one must not have one.
  if (def.namespaced ? target.name !== undefined && !target.namespace : target.namespace !== undefined) {
    return sendStatus(reply, notFoundStatus());
  }
  const watchParam = q.get('watch');
  const verb = verbOf(req.method, target.name !== undefined, watchParam === 'true' || watchParam === '1');
  const format = negotiate(parseAccept(req.headers.accept), { table: true });
  const ns = def.namespaced ? target.namespace : undefined;
  if (target.subresource !== undefined) {
    return handleSubresource(deps, req, reply, def, ns, target.name!, target.subresource, q, format);
  }
  if (!verb || !def.verbs.includes(verb)) throw methodNotAllowed();
  if (format === 'none' && req.method === 'GET') throw notAcceptable(ACCEPTED_RESPONSE_TYPES);
  const out: ResponseFormat = format === 'yaml' ? 'yaml' : 'json';
  if (def.computed === 'review') {
    if (def.namespaced && !ns) throw methodNotAllowed();
    return sendJson(reply, 201, await review(deps, req, def, ns), out);
  }
  if (def.computed === 'metrics') return serveResourceMetrics(deps.ctx, def, ns, target.name, q, format, reply);
  switch (verb) {
    case 'get':
      return getObject(ctx, def, ns, target.name!, q, format, reply);
    case 'list':
    case 'watch':
      return listOrWatch(ctx, def, ns, q, format, reply);
    case 'create':
      if (def.namespaced && !ns) throw methodNotAllowed();
      return createObject(rest, def, ns, decodeObjectBody(req, deps.decodeProtobuf), q, out, reply, req.headers['user-agent']);
    case 'update':
      return replaceObject(rest, def, ns, target.name!, undefined, objectBodySource(req, deps.decodeProtobuf), q, out, reply, req.headers['user-agent']);
    case 'patch':
      return patchObject(ctx, rest, req, def, ns, target.name!, undefined, q, out, reply);
    case 'delete':
      return deleteObject(rest, def, ns, target.name!, decodeOptionalBody(req, deps.decodeProtobuf), q, out, reply);
    case 'deletecollection':
      return deleteCollection(ctx, rest, def, ns, decodeOptionalBody(req, deps.decodeProtobuf), q, out, reply);
  }
}

/** A review kind's answer (ResourceDefinition.computed): decided now, stored nowhere. */
async function review(deps: ApiRoutesDeps, req: FastifyRequest, def: ResourceDefinition, ns: string | undefined) {
  const body = decodeObjectBody(req, deps.decodeProtobuf);
  if (isAccessReview(def)) return reviewAccess(def, ns, body);
  if (def.kind === 'TokenReview') return reviewToken(deps.ctx, deps.tokens, def, body);
  if (def.kind === 'SelfSubjectReview') return reviewSelf(def, req.user!, body);
  throw methodNotAllowed();
}

export function registerApiRoutes(app: FastifyInstance, deps: ApiRoutesDeps): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const { target, q } = targetOf(req);
    if (target.kind === 'unknown') return sendStatus(reply, notFoundStatus());
    if (target.kind === 'resource') return resource(deps, req, reply, target, q);
    return discovery(deps, req, reply, target);
  };
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  for (const url of ['/api', '/api/*', '/apis', '/apis/*']) app.route({ method: [...methods], url, handler });
}
