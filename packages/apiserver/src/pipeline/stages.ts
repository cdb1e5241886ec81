/**
 * The request pipeline's named stages, in the order every request passes them:
 *
 *   1. authentication  who is asking (TLS client certs, bearer tokens)      allow-all: everyone is "system:admin",
 *                      or whom the Impersonate-* headers name
 *   2. authorization   may they do this verb on this resource (RBAC)        allow-all
 *   3. admission       mutating, then validating plugins; today the built-in ones run inside the write path:
 *                      NamespaceLifecycle, ServiceAccount/Priority/DefaultTolerationSeconds defaults
 *                      (rest/object-rest.ts, @skiff/api defaults)
 *   4. validation      @skiff/api validateObject / validateObjectUpdate (rest/object-rest.ts)
 *   5. storage         rest/object-rest.ts over storage/resource-storage.ts
 *
 * Stages 1 and 2 are fastify hooks so that the issue adding TLS, authn and RBAC replaces them in place; they
 * attach the user to the request and may end it with a 401/403 Status. Metrics and the per-request debug log
 * wrap the whole pipeline.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseRequestTarget, type RequestTarget } from '../http/request-info.js';
import type { Metrics } from '../metrics/metrics.js';

export interface UserInfo {
  username: string;
  groups: string[];
  uid?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserInfo;
    /** The URL's target and query, parsed once per request (http/request-info.ts). */
    target?: RequestTarget;
    query_?: URLSearchParams;
  }
}

const NO_QUERY = new URLSearchParams();
/** Parsed paths, kept: clients ask for the same few paths over and over. Shared, so frozen. */
const parsedPaths = new Map<string, RequestTarget>();
const MAX_PARSED_PATHS = 4096;

function parsedPath(path: string): RequestTarget {
  let t = parsedPaths.get(path);
  if (!t) {
    t = Object.freeze(parseRequestTarget(path));
    if (parsedPaths.size >= MAX_PARSED_PATHS) parsedPaths.clear();
    parsedPaths.set(path, t);
  }
  return t;
}

/** Parses the request URL once; later stages and the routes reuse it. Neither target nor query may be modified. */
export function targetOf(req: FastifyRequest): { target: RequestTarget; q: URLSearchParams } {
  if (!req.target) {
    const url = req.url;
    const qi = url.indexOf('?');
    req.target = parsedPath(qi < 0 ? url : url.slice(0, qi));
    req.query_ = qi < 0 ? NO_QUERY : new URLSearchParams(url.slice(qi + 1));
  }
  return { target: req.target, q: req.query_! };
}

export type Authenticator = (req: FastifyRequest) => Promise<UserInfo | undefined>;
export type Authorizer = (req: FastifyRequest, user: UserInfo) => Promise<boolean>;

/** Everyone is the cluster admin until authentication lands. */
export const allowAllAuthenticator: Authenticator = async () => ({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
export const allowAllAuthorizer: Authorizer = async () => true;

function labelsOf(req: FastifyRequest): { verb: string; resource: string } {
  const { target, q } = targetOf(req);
  const w = q.get('watch');
  const watch = w === 'true' || w === '1';
  const verb = watch ? 'WATCH' : req.method === 'GET' && target.kind === 'resource' && !target.name ? 'LIST' : req.method;
  const resource = target.kind === 'resource' ? (target.subresource ? `${target.resource}/${target.subresource}` : target.resource) : '';
  return { verb, resource };
}

const ADMIN: UserInfo = Object.freeze({ username: 'system:admin', groups: Object.freeze(['system:masters', 'system:authenticated']) as string[] });

function unauthorized(reply: FastifyReply): void {
  reply.code(401).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
}

function forbidden(reply: FastifyReply): void {
  reply.code(403).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'forbidden', reason: 'Forbidden', code: 403 });
}

/**
 * The user of kubectl's --as/--as-group/--as-uid (Impersonate-User, -Group, -Uid headers), with the groups the real
 * server adds: system:authenticated, and for a service account its own two. A message when the headers are unusable.
 */
export function impersonated(req: FastifyRequest): UserInfo | string {
  const distinct = req.raw.headersDistinct;
  const username = distinct['impersonate-user']?.[0];
  const groups = distinct['impersonate-group'] ?? [];
  if (!username) return `requested groups ${JSON.stringify(groups)} without impersonating a user (Impersonate-User)`;
  const all = [...groups];
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa && !groups.length) all.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (username !== 'system:anonymous' && !all.includes('system:authenticated')) all.push('system:authenticated');
  const uid = distinct['impersonate-uid']?.[0];
  return uid ? { username, groups: all, uid } : { username, groups: all };
}

export function installPipeline(
  app: FastifyInstance,
  metrics: Metrics,
  authenticate: Authenticator = allowAllAuthenticator,
  authorize: Authorizer = allowAllAuthorizer,
): void {
  // The allow-all stages decide nothing: skipping their promises keeps two microtask hops off every request.
  const allowAll = authenticate === allowAllAuthenticator && authorize === allowAllAuthorizer;
  app.addHook('onRequest', (req, reply, done) => {
    const started = performance.now();
    metrics.inflight++;
    // On the raw response, so hijacked replies (watches, streams) are counted too.
    reply.raw.once('close', () => {
      metrics.inflight--;
      const { verb, resource } = labelsOf(req);
      const seconds = (performance.now() - started) / 1000;
      metrics.countRequest(verb, resource, reply.raw.statusCode, seconds);
      // The level check first: at the default level the line's fields are never even built.
      if (debugEnabled(req.log)) req.log.debug({ method: req.method, url: req.url, code: reply.raw.statusCode, ms: seconds * 1000, ua: req.headers['user-agent'] }, 'request');
    });
    if (allowAll) {
      // Everyone may impersonate under allow-all, so the request acts as whom its Impersonate-* headers name.
      if (req.headers['impersonate-user'] !== undefined || req.headers['impersonate-group'] !== undefined) {
        const user = impersonated(req);
        if (typeof user === 'string') {
          reply.code(400).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: user, reason: 'BadRequest', code: 400 });
          return;
        }
        req.user = user;
      } else req.user = ADMIN;
      done();
      return;
    }
    void (async () => {
      const user = await authenticate(req);
      if (!user) return unauthorized(reply);
      req.user = user;
      if (!(await authorize(req, user))) return forbidden(reply);
      done();
    })().catch(done);
  });
}

/** Whether a debug line would be written (pino's isLevelEnabled; any other logger: by its level name). */
export function debugEnabled(log: FastifyBaseLogger): boolean {
  const l = log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  return l.isLevelEnabled ? l.isLevelEnabled('debug') : log.level === 'debug' || log.level === 'trace';
}
