import { resolve } from 'node:path';
import type { EngineKind } from '../engine.js';
import type { FsyncMode } from '../store.js';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS } from '../validate-request.js';
import { ConfigError, formatUrl, parseClientUrls } from './client-urls.js';

/** The settings of the skiff-store bin, from its command line. */
export interface ServerFlags {
  help: boolean;
  name: string;
  dataDir: string;
  listenClientUrls: string[];
  advertiseClientUrls?: string[];
  advertisePeerUrls?: string[];
  engine: EngineKind;
  fsync: FsyncMode;
  maxRequestBytes: number;
  maxTxnOps: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

interface FlagSpec {
  help: string;
  /** Boolean flags take no value. */
  boolean?: boolean;
  apply(flags: ServerFlags, value: string): void;
}

const ENGINES: readonly EngineKind[] = ['wasm', 'ts'];
const FSYNC: readonly FsyncMode[] = ['always', 'batch', 'none'];
const LEVELS: readonly ServerFlags['logLevel'][] = ['debug', 'info', 'warn', 'error'];

function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError('BadValue', `--${flag}=${value}: expected one of ${allowed.join(', ')}`);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new ConfigError('BadValue', `--${flag}=${value}: expected a positive integer`);
  return n;
}

const urls = (flag: string, value: string): string[] => parseClientUrls(value, `--${flag}`).map(formatUrl);

/** etcd's flag names where they apply; the rest are skiff-store's own. */
const SPECS: Record<string, FlagSpec> = {
  name: { help: 'member name, as etcd --name (default "default")', apply: (f, v) => (f.name = v) },
  'data-dir': { help: 'directory of the write-ahead log and snapshots (default ./skiff-store.data)', apply: (f, v) => (f.dataDir = resolve(v)) },
  'listen-client-urls': {
    help: 'comma-separated URLs to serve clients on (default http://127.0.0.1:2379)',
    apply: (f, v) => (f.listenClientUrls = urls('listen-client-urls', v)),
  },
  'advertise-client-urls': {
    help: 'client URLs reported by member list (default: the listen URLs)',
    apply: (f, v) => (f.advertiseClientUrls = urls('advertise-client-urls', v)),
  },
  'initial-advertise-peer-urls': {
    help: 'peer URLs reported by member list; skiff-store has no peers (default none)',
    apply: (f, v) => (f.advertisePeerUrls = urls('initial-advertise-peer-urls', v)),
  },
  'max-request-bytes': {
    help: `largest accepted request in bytes (default ${DEFAULT_MAX_REQUEST_BYTES}, as etcd)`,
    apply: (f, v) => (f.maxRequestBytes = positiveInt('max-request-bytes', v)),
  },
  'max-txn-ops': { help: `most operations per txn branch (default ${DEFAULT_MAX_TXN_OPS}, as etcd)`, apply: (f, v) => (f.maxTxnOps = positiveInt('max-txn-ops', v)) },
  engine: { help: 'MVCC engine: wasm (default) or ts', apply: (f, v) => (f.engine = oneOf('engine', ENGINES, v)) },
  fsync: {
    help: 'always (default: a write is acknowledged once on disk), batch (fsync every few ms), none',
    apply: (f, v) => (f.fsync = oneOf('fsync', FSYNC, v)),
  },
  'log-level': { help: 'debug, info (default), warn or error', apply: (f, v) => (f.logLevel = oneOf('log-level', LEVELS, v)) },
  help: { help: 'print this help and exit', boolean: true, apply: (f) => (f.help = true) },
};

export function defaultFlags(): ServerFlags {
  return {
    help: false,
    name: 'default',
    dataDir: resolve('skiff-store.data'),
    listenClientUrls: ['http://127.0.0.1:2379'],
    engine: 'wasm',
    fsync: 'always',
    maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
    maxTxnOps: DEFAULT_MAX_TXN_OPS,
    logLevel: 'info',
  };
}

/**
 * Parses the command line as etcd does: `--flag=value` or `--flag value`, one or two dashes. Throws ConfigError
 * naming the flag and what it expected; the bin turns that into a message and exit code 2.
 */
export function parseServerFlags(argv: string[]): ServerFlags {
  const flags = defaultFlags();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    const m = /^--?([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new ConfigError('BadFlag', `unexpected argument "${arg}": skiff-store takes only flags (see --help)`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const spec = SPECS[name];
    if (!spec) throw new ConfigError('BadFlag', `unknown flag --${name} (see --help)`);
    if (spec.boolean) {
      if (inline !== undefined && inline !== 'true') throw new ConfigError('BadValue', `--${name} takes no value`);
      spec.apply(flags, 'true');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) throw new ConfigError('MissingValue', `--${name} needs a value`);
    if (value === '') throw new ConfigError('MissingValue', `--${name} needs a value`);
    spec.apply(flags, value);
  }
  return flags;
}

export function usage(): string {
  const lines = Object.entries(SPECS).map(([name, spec]) => `  --${(spec.boolean ? name : `${name}=...`).padEnd(34)} ${spec.help}`);
  return [
    'Usage: skiff-store [flags]',
    '',
    "Serves Skiff's store over the etcd v3 gRPC API: etcdctl and etcd clients work against it unchanged.",
    '',
    'Flags:',
    ...lines,
    '',
    'Example: skiff-store --data-dir=/var/lib/skiff-store --listen-client-urls=http://127.0.0.1:2379',
    '         ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:2379 put hello world',
  ].join('\n');
}
