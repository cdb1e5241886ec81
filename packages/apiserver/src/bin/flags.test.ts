import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from './flags.js';

describe('skiff-apiserver flags', () => {
  it('starts from the defaults', () => {
    expect(parseFlags([])).toMatchObject({ port: 6443, bindAddress: '127.0.0.1', etcdServers: [], serviceCidr: '10.96.0.0/12', nodePortRange: [30000, 32767] });
  });

  it.each([
    [['--port', '0'], { port: 0 }],
    [['--secure-port=7443'], { port: 7443 }],
    [['--bind-address', '0.0.0.0'], { bindAddress: '0.0.0.0' }],
    [['--etcd-servers', 'http://127.0.0.1:2379,http://127.0.0.1:22379'], { etcdServers: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'] }],
    [['--data-dir', '/tmp/x', '--store-engine', 'ts'], { dataDir: '/tmp/x', storeEngine: 'ts' }],
    [['--service-node-port-range=31000-31999'], { nodePortRange: [31000, 31999] }],
    [['--service-account-signing-key-file', '/var/lib/skiff/sa.key'], { serviceAccountSigningKeyFile: '/var/lib/skiff/sa.key' }],
    [['--help'], { help: true }],
  ])('reads %j', (argv, want) => {
    expect(parseFlags(argv)).toMatchObject(want);
  });

  it.each([
    [['--port', 'http'], /not a port number/],
    [['--port'], /needs a value/],
    [['--bogus'], /unknown flag --bogus/],
    [['stray'], /unexpected argument/],
    [['--store-engine', 'rust'], /not one of wasm, ts/],
    [['--service-cluster-ip-range', '10.0.0.0'], /not an IPv4 CIDR/],
    [['--service-node-port-range', '5-1'], /not a range/],
    [['--log-level', 'loud'], /not one of/],
    [['--service-account-signing-key-file='], /needs a file path/],
    [['--etcd-servers', 'x', '--data-dir', 'y'], /exclude each other/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(FlagError);
    expect(() => parseFlags(argv)).toThrow(message);
  });
});
