/**
 * Continue tokens for paginated lists: base64 of `{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key>"}`,
 * the same shape as the real server's. Every page of one list reads at `rv`, so pages form one snapshot; once the
 * store compacts past `rv` the token is too old (410 Expired).
 */
import { badRequest } from '@skiff/api';

export interface ContinueToken {
  /** The revision the first page was read at. */
  rv: number;
  /** The key after the last key returned, relative to the collection prefix. */
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed?.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || parsed.rv <= 0) {
    throw badRequest('continue key is not valid: server does not recognize this encoded version');
  }
  if (parsed.start.includes('..') || parsed.start.startsWith('/')) throw badRequest('continue key is not valid: invalid start key');
  return { rv: parsed.rv, start: parsed.start };
}
