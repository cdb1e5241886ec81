/**
 * Content negotiation. kubectl asks for tables with
 *   Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json
 * and for aggregated discovery with `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2`. We answer JSON (or
 * YAML when asked for), never protobuf: every client that asks for protobuf also accepts JSON.
 */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

const ANY: MediaRange[] = [{ type: '*/*', params: {} }];
const parsedAccepts = new Map<string, MediaRange[]>();

/** Parsed Accept headers are kept: clients send the same few over and over. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return ANY;
  let r = parsedAccepts.get(header);
  if (!r) {
    r = parseAcceptUncached(header);
    if (parsedAccepts.size > 256) parsedAccepts.clear();
    parsedAccepts.set(header, r);
  }
  return r;
}

function parseAcceptUncached(header: string): MediaRange[] {
  return header.split(',').flatMap((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (!type) return [];
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
    }
    return [{ type: type.toLowerCase(), params: p }];
  });
}

export type ResponseFormat = 'json' | 'yaml' | 'table' | 'discovery-v2' | 'partial-metadata' | 'none';

const JSONISH = new Set(['application/json', 'application/*', '*/*']);

/** The first acceptable format, in the client's order. */
export function negotiate(ranges: MediaRange[], opts: { table?: boolean; discovery?: boolean } = {}): ResponseFormat {
  for (const r of ranges) {
    const as = r.params['as'];
    if (as) {
      if (r.type !== 'application/json') continue;
      if (as === 'Table' && opts.table && r.params['g'] === 'meta.k8s.io' && (r.params['v'] === 'v1' || r.params['v'] === 'v1beta1')) return 'table';
      if (as === 'APIGroupDiscoveryList' && opts.discovery && r.params['g'] === 'apidiscovery.k8s.io' && r.params['v'] === 'v2') return 'discovery-v2';
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && r.params['g'] === 'meta.k8s.io' && opts.table) return 'partial-metadata';
      continue;
    }
    if (JSONISH.has(r.type)) return 'json';
    if (r.type === 'application/yaml') return 'yaml';
    // protobuf, cbor and anything else: look further down the list.
  }
  return 'none';
}

export const DISCOVERY_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const ACCEPTED_RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io'];
