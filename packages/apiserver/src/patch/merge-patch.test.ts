import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';

describe('merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: ['c'] }, { a: ['c'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [['a'], { a: 'b' }, { a: 'b' }],
    [{ a: 'foo' }, 'bar', 'bar'],
  ])('merges %j with %j into %j', (target, patch, want) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });
});

describe('json patch (RFC 6902)', () => {
  const doc = { spec: { containers: [{ name: 'a', image: 'x' }], 'a/b': 1 } };

  it.each([
    [[{ op: 'replace', path: '/spec/containers/0/image', value: 'y' }], { spec: { containers: [{ name: 'a', image: 'y' }], 'a/b': 1 } }],
    [[{ op: 'add', path: '/spec/containers/-', value: { name: 'b' } }], { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }], 'a/b': 1 } }],
    [[{ op: 'remove', path: '/spec/a~1b' }], { spec: { containers: [{ name: 'a', image: 'x' }] } }],
    [[{ op: 'copy', from: '/spec/containers/0', path: '/spec/first' }], { spec: { containers: [{ name: 'a', image: 'x' }], 'a/b': 1, first: { name: 'a', image: 'x' } } }],
    [[{ op: 'move', from: '/spec/a~1b', path: '/spec/c' }], { spec: { containers: [{ name: 'a', image: 'x' }], c: 1 } }],
    [[{ op: 'test', path: '/spec/a~1b', value: 1 }], doc],
  ])('applies %j', (ops, want) => {
    expect(applyJsonPatch(doc, ops)).toEqual(want);
  });

  it.each([
    [[{ op: 'replace', path: '/spec/missing/x', value: 1 }], 422],
    [[{ op: 'test', path: '/spec/a~1b', value: 2 }], 422],
    [[{ op: 'remove', path: '/spec/containers/5' }], 422],
    [[{ op: 'jump', path: '/x' }], 400],
    [{ op: 'add' }, 400],
  ])('refuses %j with %i', (ops, code) => {
    expect(() => applyJsonPatch(doc, ops)).toThrow(expect.objectContaining({ code }));
  });

  it('leaves the original document untouched', () => {
    const copy = structuredClone(doc);
    applyJsonPatch(doc, [{ op: 'replace', path: '/spec/containers/0/image', value: 'z' }]);
    expect(doc).toEqual(copy);
  });
});
