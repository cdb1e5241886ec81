/**
 * authentication.k8s.io/v1 reviews: who am I (SelfSubjectReview, `kubectl auth whoami`), and who does this
 * bearer token belong to (TokenReview, for the service account tokens serviceaccounts/token signs).
 */
import { badRequest, isPlainObject, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { UserInfo } from '../pipeline/stages.js';
import type { ServerContext } from '../rest/server-context.js';
import { answerMetadata, reviewRequest } from './review-request.js';
import { DEFAULT_AUDIENCE, type TokenIssuer } from './token-request.js';

/** POST of a SelfSubjectReview: the user the server took the request to be from. */
export function reviewSelf(def: ResourceDefinition, user: UserInfo, body: unknown): KubeObject {
  const obj = reviewRequest(def, body);
  const userInfo: Record<string, unknown> = { username: user.username, groups: [...user.groups] };
  if (user.uid) userInfo.uid = user.uid;
  return { kind: def.kind, apiVersion: `${def.group}/${def.version}`, metadata: answerMetadata(obj), status: { userInfo } } as KubeObject;
}

interface TokenVerdict {
  authenticated: boolean;
  user?: Record<string, unknown>;
  audiences?: string[];
  error?: string;
}

async function verdictFor(ctx: ServerContext, issuer: TokenIssuer, token: string, wanted: string[]): Promise<TokenVerdict> {
  const claims = issuer.verify(token);
  if (!claims) return { authenticated: false, error: 'invalid bearer token: not signed by this server' };
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && claims.exp <= now) return { authenticated: false, error: 'invalid bearer token: token has expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now + 60) return { authenticated: false, error: 'invalid bearer token: token is not valid yet' };
  const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : typeof claims.aud === 'string' ? [claims.aud] : [];
  const audiences = wanted.filter((a) => aud.includes(a));
  if (!audiences.length) {
    return { authenticated: false, error: `invalid bearer token: token audiences ${JSON.stringify(aud)} is invalid for the target audiences ${JSON.stringify(wanted)}` };
  }
  const k8s = claims['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string; uid?: string } } | undefined;
  const namespace = k8s?.namespace;
  const name = k8s?.serviceaccount?.name;
  if (!namespace || !name) return { authenticated: false, error: 'invalid bearer token: not a service account token' };
  // A token outlives nothing it was bound to: the service account must still be the one it was issued for.
  const saDef = ctx.registry.get('', 'v1', 'serviceaccounts')!;
  const sa = (await ctx.storage(saDef).get(namespace, name))?.obj;
  if (!sa) return { authenticated: false, error: `invalid bearer token: service account ${namespace}/${name} has been deleted` };
  if (k8s?.serviceaccount?.uid && sa.metadata.uid !== k8s.serviceaccount.uid) {
    return { authenticated: false, error: `invalid bearer token: service account UID (${sa.metadata.uid}) does not match claim (${k8s.serviceaccount.uid})` };
  }
  return {
    authenticated: true,
    user: { username: `system:serviceaccount:${namespace}:${name}`, uid: sa.metadata.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] },
    audiences,
  };
}

/** POST of a TokenReview: whether spec.token is a live service account token of this server, and whose. */
export async function reviewToken(ctx: ServerContext, issuer: TokenIssuer, def: ResourceDefinition, body: unknown): Promise<KubeObject> {
  const obj = reviewRequest(def, body);
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  if (typeof spec.token !== 'string' || !spec.token) throw badRequest('token is required for TokenReview in authentication');
  if (spec.audiences !== undefined && spec.audiences !== null && (!Array.isArray(spec.audiences) || spec.audiences.some((a: unknown) => typeof a !== 'string'))) {
    throw badRequest('spec.audiences must be a list of strings');
  }
  const wanted: string[] = spec.audiences?.length ? spec.audiences : [DEFAULT_AUDIENCE];
  const status = await verdictFor(ctx, issuer, spec.token, wanted);
  return { kind: def.kind, apiVersion: `${def.group}/${def.version}`, metadata: answerMetadata(obj), spec, status } as KubeObject;
}
