/**
 * Kubeconfig files in the format kubectl reads: clusters, users and contexts by name, and a current context.
 *
 * Which file: `path` when given, else every file in $KUBECONFIG (colon-separated; for each named entry and for
 * current-context the first file that has it wins, as kubectl merges them), else ~/.kube/config. Relative
 * certificate and token file paths are relative to the file that names them.
 *
 * Supported: server, certificate-authority(-data), insecure-skip-tls-verify, token, tokenFile,
 * client-certificate(-data), client-key(-data), context namespace. Exec and auth-provider plugins are not.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ClientError } from './errors.js';

/** What a client needs to reach one cluster as one user. */
export interface ClusterConfig {
  server: string;
  token?: string;
  /** PEM bytes. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTLSVerify?: boolean;
  /** The context's namespace; 'default' when it names none. */
  namespace: string;
}

export interface LoadKubeconfigOptions {
  path?: string;
  /** A context other than current-context. */
  context?: string;
}

interface Named<T> {
  name: string;
  entry: T;
  dir: string;
}

interface Merged {
  currentContext?: string;
  clusters: Map<string, Named<any>>;
  users: Map<string, Named<any>>;
  contexts: Map<string, Named<any>>;
}

function readFile(path: string): any {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClientError('Kubeconfig', `cannot read kubeconfig ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parse(text) ?? {};
  } catch (e) {
    throw new ClientError('Kubeconfig', `kubeconfig ${path} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
}

function merge(paths: string[]): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const path of paths) {
    const doc = readFile(path);
    const dir = dirname(resolve(path));
    m.currentContext ??= doc['current-context'] || undefined;
    for (const [list, key, field] of [
      [doc.clusters, 'clusters', 'cluster'],
      [doc.users, 'users', 'user'],
      [doc.contexts, 'contexts', 'context'],
    ] as const) {
      for (const item of Array.isArray(list) ? list : []) {
        if (item?.name && !m[key].has(item.name)) m[key].set(item.name, { name: item.name, entry: item[field] ?? {}, dir });
      }
    }
  }
  return m;
}

function pem(data: unknown, file: unknown, dir: string, what: string): Buffer | undefined {
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  if (typeof file === 'string' && file) {
    const p = isAbsolute(file) ? file : join(dir, file);
    try {
      return readFileSync(p);
    } catch (e) {
      throw new ClientError('Kubeconfig', `cannot read ${what} ${p}: ${(e as Error).message}`, { cause: e });
    }
  }
  return undefined;
}

export function kubeconfigPaths(opts: LoadKubeconfigOptions = {}): string[] {
  if (opts.path) return [opts.path];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(':').filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): ClusterConfig {
  const m = merge(kubeconfigPaths(opts));
  const ctxName = opts.context ?? m.currentContext;
  if (!ctxName) throw new ClientError('Kubeconfig', 'the kubeconfig has no current-context and none was given');
  const ctx = m.contexts.get(ctxName);
  if (!ctx) throw new ClientError('Kubeconfig', `context "${ctxName}" is not in the kubeconfig`);
  const cluster = m.clusters.get(ctx.entry.cluster);
  if (!cluster) throw new ClientError('Kubeconfig', `context "${ctxName}" names cluster "${ctx.entry.cluster}", which is not in the kubeconfig`);
  const c = cluster.entry;
  if (typeof c.server !== 'string' || !c.server) throw new ClientError('Kubeconfig', `cluster "${cluster.name}" has no server`);
  const user = ctx.entry.user ? m.users.get(ctx.entry.user) : undefined;
  if (ctx.entry.user && !user) throw new ClientError('Kubeconfig', `context "${ctxName}" names user "${ctx.entry.user}", which is not in the kubeconfig`);
  const u = user?.entry ?? {};
  const out: ClusterConfig = { server: c.server, namespace: ctx.entry.namespace || 'default' };
  const ca = pem(c['certificate-authority-data'], c['certificate-authority'], cluster.dir, 'certificate-authority');
  if (ca) out.ca = ca;
  if (c['insecure-skip-tls-verify'] === true) out.insecureSkipTLSVerify = true;
  if (typeof u.token === 'string' && u.token) out.token = u.token;
  else if (typeof u.tokenFile === 'string' && u.tokenFile) out.token = pem(undefined, u.tokenFile, user!.dir, 'tokenFile')!.toString('utf8').trim();
  const cert = pem(u['client-certificate-data'], u['client-certificate'], user?.dir ?? '', 'client-certificate');
  const key = pem(u['client-key-data'], u['client-key'], user?.dir ?? '', 'client-key');
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}
