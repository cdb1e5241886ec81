/**
 * Request bodies. Content-type parsers only collect the bytes (so that every content type, including unknown
 * ones, reaches our handlers and fails as a Status); decoding happens here, per verb.
 */
import { badRequest, unsupportedMediaType } from '@skiff/api';
import type { FastifyRequest } from 'fastify';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

export interface RawBody {
  /** Media type without parameters, lower case. */
  type: string;
  bytes: Buffer;
}

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';
export const APPLY_PATCH_CBOR = 'application/apply-patch+cbor';

/** Body types accepted for create/update, in the order the 415 message lists them. */
export const OBJECT_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE];
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, STRATEGIC_MERGE_PATCH];

export function rawBody(req: FastifyRequest): RawBody | undefined {
  const b = req.body as RawBody | undefined;
  if (!b || b.bytes.length === 0) return undefined;
  return b;
}

/** Deeper bodies are refused: every walker of objects (defaults, patches, field sets) recurses. */
export const MAX_BODY_DEPTH = 256;

export function checkDepth(v: unknown): unknown {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d > MAX_BODY_DEPTH) throw badRequest(`the body of the request is nested more than ${MAX_BODY_DEPTH} levels deep`);
    for (const c of Object.values(x)) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return v;
}

/** The nesting depth check on JSON text, without building anything: brackets outside strings. */
function checkJsonTextDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_BODY_DEPTH) throw badRequest(`the body of the request is nested more than ${MAX_BODY_DEPTH} levels deep`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** Whether the bytes hold more than `limit` opening brackets: below that, no nesting can be too deep. */
function moreBracketsThan(bytes: Buffer, limit: number): boolean {
  let n = 0;
  // indexOf is a native scan, far faster than a JavaScript loop over every character.
  for (const open of [0x7b, 0x5b]) {
    for (let at = bytes.indexOf(open); at >= 0; at = bytes.indexOf(open, at + 1)) if (++n > limit) return true;
  }
  return false;
}

export function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (moreBracketsThan(bytes, MAX_BODY_DEPTH)) checkJsonTextDepth(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(e as Error).message}`);
  }
}

export function parseYamlDocument(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true });
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as YAML: ${(e as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const real = list.filter((d) => d.contents !== null);
  if (real.length > 1) throw badRequest('the body of the request holds more than one YAML document');
  const doc = real[0];
  if (!doc) return undefined;
  if (doc.errors.length) throw badRequest(`the body of the request could not be decoded as YAML: ${doc.errors[0]!.message}`);
  try {
    return checkDepth(doc.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as YAML: ${(e as Error).message}`);
  }
}

/** A create/update body as a JSON value; `decodeProtobuf` handles the protobuf case. */
export function decodeObjectBody(req: FastifyRequest, decodeProtobuf: (bytes: Buffer) => unknown): unknown {
  const b = rawBody(req);
  if (!b) throw badRequest('the request body is empty: expected an object');
  switch (b.type) {
    case JSON_TYPE:
      return parseJson(b.bytes);
    case YAML_TYPE:
      return parseYamlDocument(b.bytes);
    case PROTOBUF_TYPE:
      return decodeProtobuf(b.bytes);
    default:
      throw unsupportedMediaType(b.type, OBJECT_TYPES);
  }
}

/**
 * A create/update body for every attempt of a write: decoded once now (so a bad body fails at once); the first
 * taker gets that decoding itself, each later one a new decoding of the same bytes. Every taker may change what
 * it gets, without the copy per attempt that would cost when, as nearly always, one attempt is enough.
 */
export function objectBodySource(req: FastifyRequest, decodeProtobuf: (bytes: Buffer) => unknown): () => unknown {
  const first = decodeObjectBody(req, decodeProtobuf);
  let taken = false;
  return () => {
    if (taken) return decodeObjectBody(req, decodeProtobuf);
    taken = true;
    return first;
  };
}

/** A DELETE body: optional, JSON or protobuf DeleteOptions. */
export function decodeOptionalBody(req: FastifyRequest, decodeProtobuf: (bytes: Buffer) => unknown): unknown {
  const b = rawBody(req);
  if (!b) return undefined;
  if (b.type === JSON_TYPE) return parseJson(b.bytes);
  if (b.type === YAML_TYPE) return parseYamlDocument(b.bytes);
  if (b.type === PROTOBUF_TYPE) return decodeProtobuf(b.bytes);
  throw unsupportedMediaType(b.type, OBJECT_TYPES);
}

export { parseYaml };
