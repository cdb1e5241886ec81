/** Command-line flags of skiff-apiserver, named after kube-apiserver's where they exist. */
export class FlagError extends Error {}

export interface Flags {
  help: boolean;
  port: number;
  bindAddress: string;
  etcdServers: string[];
  dataDir?: string;
  storeEngine: 'wasm' | 'ts';
  serviceCidr: string;
  nodePortRange: [number, number];
  logLevel: string;
  serviceAccountSigningKeyFile?: string;
}

export const usage = `usage: skiff-apiserver [flags]

  --port N                       port to listen on (default 6443; 0 picks a free one). Alias: --secure-port
  --bind-address IP              address to listen on (default 127.0.0.1)
  --etcd-servers URL[,URL...]    store in etcd (or skiff-store) over the etcd v3 API
  --data-dir DIR                 without --etcd-servers: keep the embedded store durable in DIR
  --store-engine wasm|ts         engine of the embedded store (default wasm; ts is its pure-TypeScript twin)
  --service-cluster-ip-range CIDR  cluster IPs of Services (default 10.96.0.0/12)
  --service-node-port-range A-B  node ports of Services (default 30000-32767)
  --log-level LEVEL              trace, debug, info, warn, error, fatal or silent (default info)
  --service-account-signing-key-file FILE
                                 the key that signs service account tokens (its bytes, HS256), created with a
                                 random one when missing; without it each start signs with a new key, and tokens
                                 from an earlier start no longer pass a TokenReview
  -h, --help                     show this help
`;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function portOf(v: string, flag: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new FlagError(`${flag}: "${v}" is not a port number (0-65535)`);
  return Number(v);
}

export function parseFlags(argv: string[]): Flags {
  const f: Flags = {
    help: false,
    port: 6443,
    bindAddress: '127.0.0.1',
    etcdServers: [],
    storeEngine: 'wasm',
    serviceCidr: '10.96.0.0/12',
    nodePortRange: [30000, 32767],
    logLevel: 'info',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      f.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new FlagError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--port':
      case '--secure-port':
        f.port = portOf(value(), name);
        break;
      case '--bind-address': {
        const v = value();
        if (!/^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]+$|^localhost$/.test(v)) throw new FlagError(`${name}: "${v}" is not an IP address`);
        f.bindAddress = v;
        break;
      }
      case '--etcd-servers':
        f.etcdServers = value().split(',').map((s) => s.trim()).filter(Boolean);
        if (!f.etcdServers.length) throw new FlagError(`${name} needs at least one URL`);
        break;
      case '--data-dir':
        f.dataDir = value();
        break;
      case '--store-engine': {
        const v = value();
        if (v !== 'wasm' && v !== 'ts') throw new FlagError(`${name}: "${v}" is not one of wasm, ts`);
        f.storeEngine = v;
        break;
      }
      case '--service-cluster-ip-range': {
        const v = value();
        const m = /^(\d{1,3}\.){3}\d{1,3}\/(\d{1,2})$/.exec(v);
        if (!m || Number(m[2]) < 8 || Number(m[2]) > 30) throw new FlagError(`${name}: "${v}" is not an IPv4 CIDR between /8 and /30`);
        f.serviceCidr = v;
        break;
      }
      case '--service-node-port-range': {
        const v = value();
        const m = /^(\d+)-(\d+)$/.exec(v);
        if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) throw new FlagError(`${name}: "${v}" is not a range like 30000-32767`);
        f.nodePortRange = [Number(m[1]), Number(m[2])];
        break;
      }
      case '--log-level': {
        const v = value();
        if (!LEVELS.includes(v)) throw new FlagError(`${name}: "${v}" is not one of ${LEVELS.join(', ')}`);
        f.logLevel = v;
        break;
      }
      case '--service-account-signing-key-file':
        f.serviceAccountSigningKeyFile = value();
        if (!f.serviceAccountSigningKeyFile) throw new FlagError(`${name} needs a file path`);
        break;
      default:
        throw new FlagError(`unknown flag ${name}`);
    }
  }
  if (f.dataDir && f.etcdServers.length) throw new FlagError('--data-dir and --etcd-servers exclude each other: the data lives in etcd');
  return f;
}
