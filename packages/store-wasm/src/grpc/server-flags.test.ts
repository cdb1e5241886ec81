import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './client-urls.js';
import { defaultFlags, parseServerFlags, usage } from './server-flags.js';

describe('parseServerFlags', () => {
  const accepted: { name: string; argv: string[]; expect: Partial<ReturnType<typeof defaultFlags>> }[] = [
    { name: 'no flags gives etcd-like defaults', argv: [], expect: { name: 'default', listenClientUrls: ['http://127.0.0.1:2379'], engine: 'wasm', fsync: 'always' } },
    { name: 'the --flag=value form', argv: ['--name=n1', '--data-dir=/tmp/x'], expect: { name: 'n1', dataDir: '/tmp/x' } },
    { name: 'the --flag value form', argv: ['--engine', 'ts', '--fsync', 'batch'], expect: { engine: 'ts', fsync: 'batch' } },
    { name: 'a single dash, as Go flags allow', argv: ['-name=n2'], expect: { name: 'n2' } },
    {
      name: 'comma-separated client URLs',
      argv: ['--listen-client-urls=http://127.0.0.1:1,http://[::1]:2'],
      expect: { listenClientUrls: ['http://127.0.0.1:1', 'http://[::1]:2'] },
    },
    { name: 'a relative data dir made absolute', argv: ['--data-dir', 'rel'], expect: { dataDir: resolve('rel') } },
    { name: 'etcd size limits', argv: ['--max-request-bytes=2048', '--max-txn-ops=5'], expect: { maxRequestBytes: 2048, maxTxnOps: 5 } },
    { name: '--help and -h', argv: ['-h'], expect: { help: true } },
  ];
  for (const c of accepted) {
    it(`accepts ${c.name}`, () => {
      expect(parseServerFlags(c.argv)).toMatchObject(c.expect);
    });
  }

  const refused: { name: string; argv: string[]; message: RegExp; code: ConfigError['code'] }[] = [
    { name: 'an unknown flag', argv: ['--bogus=1'], message: /unknown flag --bogus/, code: 'BadFlag' },
    { name: 'a stray argument', argv: ['serve'], message: /unexpected argument "serve"/, code: 'BadFlag' },
    { name: 'an engine that does not exist', argv: ['--engine=go'], message: /--engine=go: expected one of wasm, ts/, code: 'BadValue' },
    { name: 'an fsync mode that does not exist', argv: ['--fsync=sometimes'], message: /expected one of always, batch, none/, code: 'BadValue' },
    { name: 'a flag missing its value at the end', argv: ['--name'], message: /--name needs a value/, code: 'MissingValue' },
    { name: 'a flag followed by another flag', argv: ['--data-dir', '--name=x'], message: /--data-dir needs a value/, code: 'MissingValue' },
    { name: 'an https URL', argv: ['--listen-client-urls=https://127.0.0.1:2379'], message: /TLS is not supported yet/, code: 'BadUrl' },
    { name: 'a URL without a port', argv: ['--listen-client-urls=http://127.0.0.1'], message: /needs a port/, code: 'BadUrl' },
    { name: 'a URL with a path', argv: ['--advertise-client-urls=http://127.0.0.1:1/x'], message: /must not have a path/, code: 'BadUrl' },
    { name: 'a negative size', argv: ['--max-request-bytes=-1'], message: /expected a positive integer/, code: 'BadValue' },
    { name: 'a value for --help', argv: ['--help=no'], message: /--help takes no value/, code: 'BadValue' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} with a message naming the flag`, () => {
      let err: unknown;
      try {
        parseServerFlags(c.argv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe(c.code);
      expect((err as Error).message).toMatch(c.message);
    });
  }

  it('lists every flag in the usage text', () => {
    for (const flag of ['--listen-client-urls', '--advertise-client-urls', '--data-dir', '--name', '--engine', '--fsync', '--help']) {
      expect(usage()).toContain(flag);
    }
  });
});
