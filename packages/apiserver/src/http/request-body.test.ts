import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { objectBodySource, type RawBody } from './request-body.js';

const requestWith = (text: string, type = 'application/json') => ({ body: { type, bytes: Buffer.from(text) } satisfies RawBody }) as unknown as FastifyRequest;
const noProtobuf = () => {
  throw new Error('not protobuf');
};

describe('objectBodySource', () => {
  it('hands the first taker the decoded body and every later one a fresh decoding, untouched by earlier takers', () => {
    const take = objectBodySource(requestWith('{"kind":"Pod","metadata":{"name":"a"},"spec":{"x":[1,2]}}'), noProtobuf);
    const first = take() as any;
    first.metadata.name = 'changed';
    first.spec.x.push(3);
    const second = take() as any;
    expect(second).not.toBe(first);
    expect(second).toEqual({ kind: 'Pod', metadata: { name: 'a' }, spec: { x: [1, 2] } });
    expect(take()).not.toBe(second);
  });

  it('decodes at once, so a bad body fails before any attempt', () => {
    expect(() => objectBodySource(requestWith('{"kind":'), noProtobuf)).toThrow(/could not be decoded as JSON/);
    expect(() => objectBodySource(requestWith('kind: Pod\nmetadata: {name: a}', 'application/yaml'), noProtobuf)()).not.toThrow();
  });
});
