import { describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { utf8 } from './key-range.js';
import type { RequestOp, TxnRequest } from './kv.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS, validateWrite } from './validate-request.js';

const put = (k: string): RequestOp => ({ put: { key: utf8(k), value: utf8('v') } });
const del = (k: string, end?: string): RequestOp => ({ deleteRange: { key: utf8(k), rangeEnd: end === undefined ? undefined : utf8(end) } });
const txn = (success: RequestOp[], failure: RequestOp[] = []): RequestOp => ({ txn: { compare: [], success, failure } });
const limits = { maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES, maxTxnOps: DEFAULT_MAX_TXN_OPS };

function outcome(req: TxnRequest): string {
  try {
    validateWrite({ type: 'txn', req }, limits);
    return 'ok';
  } catch (e) {
    return isStoreError(e) ? e.code : String(e);
  }
}

describe("etcd's duplicate-key rule for txns", () => {
  it.each<[string, RequestOp[], RequestOp[], string]>([
    ['distinct puts', [put('a'), put('b')], [], 'ok'],
    ['the same key in success and failure', [put('a')], [put('a')], 'ok'],
    ['one key put twice in a branch', [put('a'), put('a')], [], 'DuplicateKey'],
    ['a put inside a deleted range', [del('a', 'c'), put('b')], [], 'DuplicateKey'],
    ['a put of a key deleted alone', [put('b'), del('b')], [], 'DuplicateKey'],
    ['a put next to a deleted range', [del('a', 'b'), put('b')], [], 'ok'],
    ['one key in both branches of a nested txn', [txn([put('a')], [put('a')])], [], 'ok'],
    ['a nested put repeated by the outer branch', [txn([put('a')]), put('a')], [], 'DuplicateKey'],
    ['two nested txns putting one key', [txn([put('a')]), txn([put('a')])], [], 'DuplicateKey'],
    ['a nested put under an outer delete', [del('a'), txn([put('a')])], [], 'DuplicateKey'],
    ['a nested put, then a later nested delete of it', [txn([put('a')]), txn([del('a')])], [], 'ok'],
    ['an outer put under a nested delete', [txn([del('a')]), put('a')], [], 'DuplicateKey'],
  ])('%s -> %s', (_name, success, failure, expected) => {
    expect(outcome({ compare: [], success, failure })).toBe(expected);
  });

  it('counts each list separately against the op limit', () => {
    const many = Array.from({ length: 128 }, (_, i) => put(`k${i}`));
    expect(outcome({ compare: [], success: many, failure: many.slice(0, 100) })).toBe('ok');
    expect(outcome({ compare: [], success: [...many, put('x')], failure: [] })).toBe('TooManyOps');
  });
});
