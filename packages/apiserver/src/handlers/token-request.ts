/**
 * serviceaccounts/token (TokenRequest, `kubectl create token`): a JWT for the service account, signed with this
 * server's key (HS256), with the claims the real server puts in bound tokens. Authentication, when it lands,
 * verifies them with the same key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest, isPlainObject, notFound, type KubeObject } from '@skiff/api';
import type { ServerContext } from '../rest/server-context.js';

/** The audience of tokens that name none: the server's own (the real default for a cluster named cluster.local). */
export const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const DEFAULT_EXPIRATION = 3600;
/** The shortest token the real server issues. */
const MIN_EXPIRATION = 600;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class TokenIssuer {
  private readonly key: Buffer;

  constructor(key?: Buffer) {
    if (key !== undefined && key.length < 16) throw new Error(`a service account signing key needs at least 16 bytes, this one has ${key.length}`);
    this.key = key ?? randomBytes(32);
  }

  sign(claims: Record<string, unknown>): string {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** The claims of a token this issuer signed, or undefined. */
  verify(token: string): Record<string, unknown> | undefined {
    const [head, body, sig] = token.split('.');
    if (!head || !body || !sig) return undefined;
    const want = createHmac('sha256', this.key).update(`${head}.${body}`).digest();
    const given = Buffer.from(sig, 'base64url');
    // Constant time: TokenReview lets anyone probe signatures.
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  }
}

export async function issueToken(ctx: ServerContext, issuer: TokenIssuer, namespace: string, name: string, body: unknown): Promise<KubeObject> {
  if (!isPlainObject(body)) throw badRequest('expected a TokenRequest object');
  const req = body as KubeObject;
  if (req.kind !== undefined && req.kind !== 'TokenRequest') throw badRequest(`the object provided is unrecognized (must be of type TokenRequest): kind "${String(req.kind)}"`);
  const saDef = ctx.registry.get('', 'v1', 'serviceaccounts')!;
  const sa = (await ctx.storage(saDef).get(namespace, name))?.obj;
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const spec = req.spec ?? {};
  const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences : [DEFAULT_AUDIENCE];
  const requested = spec.expirationSeconds ?? DEFAULT_EXPIRATION;
  if (typeof requested !== 'number' || !Number.isInteger(requested)) throw badRequest('spec.expirationSeconds must be an integer');
  const expiration = Math.max(MIN_EXPIRATION, requested);
  const now = Math.floor(Date.now() / 1000);
  const token = issuer.sign({
    aud: audiences,
    exp: now + expiration,
    iat: now,
    nbf: now,
    iss: DEFAULT_AUDIENCE,
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid } },
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null as unknown as string },
    spec: { audiences, expirationSeconds: expiration, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: new Date((now + expiration) * 1000).toISOString().replace('.000Z', 'Z') },
  };
}
