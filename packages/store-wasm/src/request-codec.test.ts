import { describe, expect, it } from 'vitest';
import { decodeWriteRequest, encodeWriteRequest } from './durability/request-codec.js';
import { isStoreError } from './errors.js';
import { utf8 } from './key-range.js';
import type { WriteRequest } from './write-request.js';

const requests: [string, WriteRequest][] = [
  ['a put with every flag', { type: 'put', key: utf8('/a'), value: utf8('v'), opts: { prevKv: true, lease: 42, ignoreValue: false, ignoreLease: false } }],
  ['a put with ignoreValue', { type: 'put', key: utf8('/a'), value: new Uint8Array(0), opts: { ignoreValue: true, prevKv: false, ignoreLease: false, lease: 0 } }],
  ['a delete of a range', { type: 'deleteRange', key: utf8('/a'), rangeEnd: utf8('/b'), opts: { prevKv: true } }],
  ['a compaction', { type: 'compact', revision: 12345 }],
  ['a lease grant', { type: 'leaseGrant', id: 2 ** 47 + 3, ttl: 60 }],
  ['a lease revoke', { type: 'leaseRevoke', id: 7 }],
  [
    'a nested txn',
    {
      type: 'txn',
      req: {
        compare: [
          { key: utf8('k'), rangeEnd: new Uint8Array(0), target: 'value', result: 'equal', value: utf8('x') },
          { key: utf8('k'), rangeEnd: utf8('l'), target: 'mod', result: 'greater', value: 3 },
        ],
        success: [
          { put: { key: utf8('k'), value: utf8('y'), prevKv: true, ignoreValue: false, ignoreLease: false, lease: 0 } },
          { range: { key: utf8('a'), rangeEnd: utf8('z'), revision: 2, limit: 5, keysOnly: true, countOnly: false } },
          { txn: { compare: [], success: [{ deleteRange: { key: utf8('q'), rangeEnd: new Uint8Array(0), prevKv: false } }], failure: [] } },
        ],
        failure: [],
      },
    },
  ],
];

describe('the log record codec', () => {
  it.each(requests)('round-trips %s', (_name, req) => {
    // Inputs are written in the decoded form: every flag explicit, a single-key rangeEnd as empty bytes.
    expect(decodeWriteRequest(encodeWriteRequest(req))).toEqual(req);
  });

  it('rejects a truncated record as corrupt', () => {
    const bytes = encodeWriteRequest(requests[0]![1]);
    expect(() => decodeWriteRequest(bytes.subarray(0, bytes.length - 3))).toThrowError(/truncated/);
    try {
      decodeWriteRequest(bytes.subarray(0, 4));
    } catch (e) {
      expect(isStoreError(e, 'Corrupt')).toBe(true);
    }
  });

  it('rejects an unknown record type', () => {
    expect(() => decodeWriteRequest(new Uint8Array([99]))).toThrowError(/unknown log record type 99/);
  });

  it('rejects trailing bytes', () => {
    const bytes = encodeWriteRequest({ type: 'compact', revision: 5 });
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeWriteRequest(longer)).toThrowError(/trailing/);
  });
});
