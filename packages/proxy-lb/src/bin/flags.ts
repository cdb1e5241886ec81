// Command-line flags of skiff-proxy, named after kube-proxy's where it has them, so the cluster runner (and a
// person used to kube-proxy) can pass what they would pass there.
import net from 'node:net';
import { schedulerNames, type EngineKind, type SchedulerName } from '../core.js';
import { LbError } from '../errors.js';
import { parseUpstream } from '../dns/dns-forwarder.js';
import { parseHostPort } from '../service-proxy/metrics-server.js';
import type { ProxyMode } from '../service-proxy/options.js';

export interface Flags {
  help: boolean;
  kubeconfig?: string;
  nodeName?: string;
  /** Node addresses; empty: detect. */
  nodeAddresses: string[];
  /** Interface name; undefined: the default (kube-ipvs0 as root); null: none. */
  clusterIpInterface?: string | null;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  defaultScheduler: SchedulerName;
  /** host:port; '' disables. */
  metricsBindAddress: string;
  loadBalancerStatus: boolean;
  engine: EngineKind;
  proxyMode: ProxyMode;
  logLevel: string;
  clusterCidr?: string;
  /** Serve cluster DNS on this address (the kube-dns Service's cluster IP). */
  clusterDns?: string;
  clusterDomain: string;
  /** Upstream resolvers for names outside the cluster domain; empty: /etc/resolv.conf's. */
  dnsUpstreams: string[];
}

export const usage = `usage: skiff-proxy [flags]

The per-node service proxy: serves every Service's cluster IPs, node ports and load-balancer addresses on this
node, balancing each new connection over the ready endpoints.

  --kubeconfig FILE                 kubeconfig of the API server (default: $KUBECONFIG, then ~/.kube/config)
  --node-name NAME                  this node's name (default: the host name). Alias: --hostname-override
  --bind-address IP[,IP...]         this node's addresses: NodePorts listen on them (and loopback), load-balancer
                                    ingress names them (default: the host's addresses; 0.0.0.0 or :: also mean that)
  --cluster-ip-interface NAME|none  interface holding cluster, external and load-balancer IPs (default kube-ipvs0
                                    when run as root, none otherwise; needs root)
  --min-sync-period DURATION        least time between two syncs of the rules, e.g. 0s, 500ms, 1s (default 0s)
  --sync-period DURATION            full resync period (default 30s)
  --default-scheduler NAME          rr, wrr, lc, wlc, sh, dh or mh, for Services without the skiff.dev/lb-scheduler
                                    annotation (default rr). Alias: --ipvs-scheduler
  --metrics-bind-address IP:PORT    where /metrics and /healthz are served (default 127.0.0.1:10249; "" disables)
  --load-balancer-status=false      never write status.loadBalancer of LoadBalancer Services (default true)
  --engine wasm|ts                  load-balancing core (default wasm)
  --proxy-mode userspace|nftables   userspace: connections through this process (default); nftables: new flows of
                                    Services on rr, wrr, sh, dh or mh without session affinity DNATed by kernel
                                    rules (table inet skiff_proxy) to the backend the core's table names, the rest
                                    through this process (needs root)
  --cluster-dns IP                  serve the cluster's DNS on IP, port 53 (the kube-dns Service's cluster IP, given
                                    to pods by the node agents' --cluster-dns) instead of proxying that Service
  --cluster-domain DOMAIN           the cluster's DNS domain (default cluster.local)
  --dns-upstream IP[:PORT][,...]    where names outside the cluster domain are forwarded (default: the nameservers
                                    of /etc/resolv.conf)
  --cluster-cidr CIDR               accepted for kube-proxy compatibility; unused (nftables mode masquerades every
                                    Service flow it forwards out of another interface)
  --log-level LEVEL                 trace, debug, info, warn, error, fatal or silent (default info)
  -h, --help                        show this help
`;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as kube-proxy takes them: 0, 250ms, 1s, 1m30s, 1.5s. */
export function parseDuration(value: string, flag: string): number {
  if (value === '0') return 0;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) {
    throw new LbError('InvalidArgument', `${flag}: "${value}" is not a duration like 500ms, 1s or 1m30s`);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0));
}

function bool(value: string, flag: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new LbError('InvalidArgument', `${flag}: "${value}" is not true or false`);
}

export function parseFlags(argv: string[]): Flags {
  const f: Flags = {
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
  };
  const bad = (msg: string) => new LbError('InvalidArgument', msg);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      f.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw bad(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw bad(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--kubeconfig':
        f.kubeconfig = value();
        if (!f.kubeconfig) throw bad(`${name} needs a file`);
        break;
      case '--node-name':
      case '--hostname-override':
        f.nodeName = value();
        if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(f.nodeName)) throw bad(`${name}: "${f.nodeName}" is not a valid node name`);
        break;
      case '--bind-address': {
        const addrs = value().split(',').map((s) => s.trim()).filter(Boolean);
        if (!addrs.length) throw bad(`${name} needs at least one IP address`);
        for (const a of addrs) if (!net.isIP(a)) throw bad(`${name}: "${a}" is not an IP address`);
        // kube-proxy's default 0.0.0.0 means "this node's addresses"; so it does here.
        f.nodeAddresses = addrs.filter((a) => a !== '0.0.0.0' && a !== '::');
        break;
      }
      case '--cluster-ip-interface': {
        const v = value();
        if (v === 'none' || v === '') f.clusterIpInterface = null;
        else if (!/^[A-Za-z0-9_.-]{1,15}$/.test(v)) throw bad(`${name}: "${v}" is not an interface name (1-15 of A-Z a-z 0-9 _ . -)`);
        else f.clusterIpInterface = v;
        break;
      }
      case '--min-sync-period':
        f.minSyncPeriodMs = parseDuration(value(), name);
        break;
      case '--sync-period':
        f.syncPeriodMs = parseDuration(value(), name);
        if (f.syncPeriodMs === 0) throw bad(`${name} must be above 0`);
        break;
      case '--default-scheduler':
      case '--ipvs-scheduler': {
        const v = value();
        if (!(schedulerNames as readonly string[]).includes(v)) throw bad(`${name}: "${v}" is not one of ${schedulerNames.join(', ')}`);
        f.defaultScheduler = v as SchedulerName;
        break;
      }
      case '--metrics-bind-address': {
        const v = value();
        if (v !== '') parseHostPort(v);
        f.metricsBindAddress = v;
        break;
      }
      case '--load-balancer-status':
        f.loadBalancerStatus = eq < 0 ? true : bool(value(), name);
        break;
      case '--engine': {
        const v = value();
        if (v !== 'wasm' && v !== 'ts') throw bad(`${name}: "${v}" is not one of wasm, ts`);
        f.engine = v;
        break;
      }
      case '--proxy-mode': {
        const v = value();
        if (v !== 'userspace' && v !== 'nftables') throw bad(`${name}: "${v}" is not one of userspace, nftables`);
        f.proxyMode = v;
        break;
      }
      case '--cluster-cidr': {
        const v = value();
        for (const c of v.split(',')) {
          const [ip, bits, extra] = c.split('/');
          const max = net.isIPv6(ip ?? '') ? 128 : 32;
          if (extra !== undefined || !net.isIP(ip ?? '') || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > max) throw bad(`${name}: "${c}" is not a CIDR`);
        }
        f.clusterCidr = v;
        break;
      }
      case '--cluster-dns': {
        const v = value();
        if (!net.isIP(v)) throw bad(`${name}: "${v}" is not an IP address`);
        f.clusterDns = v;
        break;
      }
      case '--cluster-domain': {
        const v = value().replace(/\.$/, '').toLowerCase();
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)) throw bad(`${name}: "${v}" is not a DNS domain`);
        f.clusterDomain = v;
        break;
      }
      case '--dns-upstream': {
        const list = value().split(',').map((x) => x.trim()).filter(Boolean);
        try {
          list.forEach(parseUpstream);
        } catch (e) {
          throw bad(`${name}: ${(e as Error).message}`);
        }
        f.dnsUpstreams = list;
        break;
      }
      case '--log-level': {
        const v = value();
        if (!LEVELS.includes(v)) throw bad(`${name}: "${v}" is not one of ${LEVELS.join(', ')}`);
        f.logLevel = v;
        break;
      }
      default:
        throw bad(`unknown flag ${name}`);
    }
  }
  return f;
}
