/**
 * Service links: the Docker-links-style variables every container gets for the services of its namespace (when
 * spec.enableServiceLinks is not false) and, always, for the API server's `kubernetes` service. For a service
 * `redis-primary` at 10.0.0.11 with port 6379/TCP named `db`:
 *
 *   REDIS_PRIMARY_SERVICE_HOST=10.0.0.11         REDIS_PRIMARY_PORT=tcp://10.0.0.11:6379
 *   REDIS_PRIMARY_SERVICE_PORT=6379              REDIS_PRIMARY_PORT_6379_TCP=tcp://10.0.0.11:6379
 *   REDIS_PRIMARY_SERVICE_PORT_DB=6379           REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp
 *                                                REDIS_PRIMARY_PORT_6379_TCP_PORT=6379
 *                                                REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.0.0.11
 *
 * Headless services (clusterIP None) and services without an IP give nothing.
 */

export interface ServiceLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

const MASTER_NAMESPACE = 'default';
const MASTER_SERVICE = 'kubernetes';

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

export function serviceVariables(service: ServiceLike): [string, string][] {
  const ip = service.spec?.clusterIP;
  const ports = service.spec?.ports ?? [];
  if (!ip || ip === 'None' || ports.length === 0) return [];
  const prefix = envName(service.metadata?.name ?? '');
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0]!.port)],
  ];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  const first = ports[0]!;
  out.push([`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toUpperCase();
    const base = `${prefix}_PORT_${p.port}_${proto}`;
    out.push([base, `${proto.toLowerCase()}://${ip}:${p.port}`]);
    out.push([`${base}_PROTO`, proto.toLowerCase()]);
    out.push([`${base}_PORT`, String(p.port)]);
    out.push([`${base}_ADDR`, ip]);
  }
  return out;
}

/**
 * The service variables of a pod in `namespace`: the namespace's services when links are enabled, and the master
 * service of `default`, which no namespace's own `kubernetes` service may shadow.
 */
export function serviceEnvironment(services: Iterable<ServiceLike>, namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const chosen = new Map<string, ServiceLike>();
  let master: ServiceLike | undefined;
  for (const s of services) {
    const ns = s.metadata?.namespace ?? MASTER_NAMESPACE;
    if (ns === MASTER_NAMESPACE && s.metadata?.name === MASTER_SERVICE) master = s;
    else if (enableServiceLinks && ns === namespace) chosen.set(s.metadata?.name ?? '', s);
  }
  if (master) chosen.set(MASTER_SERVICE, master);
  const env = new Map<string, string>();
  for (const name of [...chosen.keys()].sort()) for (const [k, v] of serviceVariables(chosen.get(name)!)) env.set(k, v);
  return env;
}
