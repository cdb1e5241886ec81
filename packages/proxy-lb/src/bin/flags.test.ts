import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseFlags, type Flags } from './flags.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('skiff-proxy flags', () => {
  it('has kube-proxy-like defaults', () => {
    expect(parseFlags([])).toEqual({
      help: false,
      nodeAddresses: [],
      minSyncPeriodMs: 0,
      syncPeriodMs: 30_000,
      defaultScheduler: 'rr',
      metricsBindAddress: '127.0.0.1:10249',
      loadBalancerStatus: true,
      engine: 'wasm',
      proxyMode: 'userspace',
      logLevel: 'info',
      clusterDomain: 'cluster.local',
      dnsUpstreams: [],
    });
  });

  it.each<[string, string[], Partial<Flags>]>([
    ['the node name', ['--node-name', 'node-1'], { nodeName: 'node-1' }],
    ['kube-proxy alias of the node name', ['--hostname-override=node-2'], { nodeName: 'node-2' }],
    ['several node addresses', ['--bind-address', '10.0.0.2,fd00::2'], { nodeAddresses: ['10.0.0.2', 'fd00::2'] }],
    ['the wildcard as "detect"', ['--bind-address', '0.0.0.0'], { nodeAddresses: [] }],
    ['no cluster-IP interface', ['--cluster-ip-interface', 'none'], { clusterIpInterface: null }],
    ['another cluster-IP interface', ['--cluster-ip-interface', 'skiff-vips'], { clusterIpInterface: 'skiff-vips' }],
    ['a minimum sync period', ['--min-sync-period', '1m30s'], { minSyncPeriodMs: 90_000 }],
    ['a fractional sync period', ['--sync-period=1.5s'], { syncPeriodMs: 1500 }],
    ['the default scheduler', ['--default-scheduler', 'mh'], { defaultScheduler: 'mh' }],
    ['the IPVS alias of the scheduler', ['--ipvs-scheduler', 'wlc'], { defaultScheduler: 'wlc' }],
    ['a metrics address', ['--metrics-bind-address', '[::1]:0'], { metricsBindAddress: '[::1]:0' }],
    ['no metrics server', ['--metrics-bind-address', ''], { metricsBindAddress: '' }],
    ['no load-balancer status', ['--load-balancer-status=false'], { loadBalancerStatus: false }],
    ['the TS engine', ['--engine', 'ts'], { engine: 'ts' }],
    ['the nftables proxy mode', ['--proxy-mode', 'nftables'], { proxyMode: 'nftables' }],
    ['the cluster CIDR (accepted, unused)', ['--cluster-cidr', '10.244.0.0/16'], { clusterCidr: '10.244.0.0/16' }],
    ['the cluster DNS address and domain', ['--cluster-dns', '10.96.0.10', '--cluster-domain', 'Skiff.Local.'], { clusterDns: '10.96.0.10', clusterDomain: 'skiff.local' }],
    ['DNS upstreams', ['--dns-upstream', '10.0.0.2,10.0.0.3:5353,[fd00::2]:53'], { dnsUpstreams: ['10.0.0.2', '10.0.0.3:5353', '[fd00::2]:53'] }],
    ['help', ['-h'], { help: true }],
  ])('takes %s', (_name, argv, expected) => {
    expect(parseFlags(argv)).toMatchObject(expected);
  });

  it.each<[string, string[], string]>([
    ['an unknown flag', ['--iptables-sync-period', '1s'], 'unknown flag --iptables-sync-period'],
    ['a missing value', ['--node-name'], '--node-name needs a value'],
    ['a bare argument', ['node-1'], 'unexpected argument "node-1"'],
    ['a bad node address', ['--bind-address', '10.0.0.300'], '--bind-address: "10.0.0.300" is not an IP address'],
    ['a bad scheduler', ['--default-scheduler', 'fastest'], '--default-scheduler: "fastest" is not one of rr, wrr, lc, wlc, sh, dh, mh'],
    ['a bad duration', ['--min-sync-period', '5'], '--min-sync-period: "5" is not a duration like 500ms, 1s or 1m30s'],
    ['a zero sync period', ['--sync-period', '0s'], '--sync-period must be above 0'],
    ['a metrics address without a port', ['--metrics-bind-address', '127.0.0.1'], '"127.0.0.1" is not IP:port'],
    ['a bad interface name', ['--cluster-ip-interface', 'much-too-long-name0'], 'is not an interface name'],
    ['a bad node name', ['--node-name', 'Node_1'], '"Node_1" is not a valid node name'],
    ['a bad boolean', ['--load-balancer-status=maybe'], '"maybe" is not true or false'],
    ['a proxy mode kube-proxy has but Skiff does not', ['--proxy-mode', 'iptables'], '--proxy-mode: "iptables" is not one of userspace, nftables'],
    ['a bad CIDR', ['--cluster-cidr', '10.244.0.0/33'], '"10.244.0.0/33" is not a CIDR'],
    ['a cluster DNS name instead of an address', ['--cluster-dns', 'kube-dns'], '--cluster-dns: "kube-dns" is not an IP address'],
    ['a bad cluster domain', ['--cluster-domain', 'cluster_local'], '--cluster-domain: "cluster_local" is not a DNS domain'],
    ['a DNS upstream with a bad port', ['--dns-upstream', '10.0.0.2:99999'], '--dns-upstream: DNS upstream "10.0.0.2:99999" has a bad port'],
    ['a DNS upstream that is a name', ['--dns-upstream', 'dns.example'], 'is not an IP address'],
  ])('rejects %s clearly', (_name, argv, message) => {
    expect(() => parseFlags(argv)).toThrow(message);
  });

  it.each([
    ['0', 0],
    ['0s', 0],
    ['250ms', 250],
    ['2h', 7_200_000],
    ['1m0.5s', 60_500],
  ])('reads the duration %s as %d ms', (text, ms) => {
    expect(parseDuration(text, '--x')).toBe(ms);
  });

  it('makes the bin exit 2 with the error and a pointer to --help on a bad flag', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'src/bin/skiff-proxy.ts', '--default-scheduler', 'fastest'], { cwd: packageDir, timeout: 30_000 }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('skiff-proxy: invalid argument: --default-scheduler: "fastest" is not one of');
    expect(err?.stderr).toContain('Run skiff-proxy --help');
  });

  it('prints the usage for --help', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/bin/skiff-proxy.ts', '--help'], { cwd: packageDir, timeout: 30_000 });
    expect(stdout).toMatch(/^usage: skiff-proxy \[flags\]/);
    for (const flag of ['--kubeconfig', '--node-name', '--bind-address', '--cluster-ip-interface', '--min-sync-period', '--default-scheduler', '--metrics-bind-address']) {
      expect(stdout).toContain(flag);
    }
  });
});
