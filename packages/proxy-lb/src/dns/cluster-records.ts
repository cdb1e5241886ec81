// The records of the cluster's DNS zone, as the Kubernetes DNS specification lays them out
// (cluster.local by default):
//
//   <svc>.<ns>.svc.<zone>                    A/AAAA: the cluster IPs; headless: every ready endpoint's address
//   <host>.<svc>.<ns>.svc.<zone>             A/AAAA of a headless service's endpoint, by its hostname (StatefulSet
//                                            pods: <pod>.<serviceName>) or its address with dashes (10-244-1-5)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>   SRV for each named port: the service, or each endpoint when headless
//   <a-b-c-d>.<ns>.pod.<zone>                A: that address
//   ExternalName services                    CNAME to spec.externalName
//
// Everything else under the zone does not exist (NXDOMAIN); names outside it are not ours to answer.
import net from 'node:net';
import type { EndpointSlice, Service } from '@skiff/api';
import { QTYPE, RCODE, type DnsAnswer, type DnsRecord } from './dns-message.js';

/** Where the records come from: the proxy's informers. */
export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, name: string): EndpointSlice[];
}

export interface ZoneOptions {
  /** The cluster domain, e.g. cluster.local. */
  zone: string;
  /** TTL of every answer, seconds (CoreDNS's kubernetes plugin uses 5). */
  ttl: number;
}

interface Endpoint {
  address: string;
  hostname?: string;
  /** Port numbers by "name/protocol". */
  ports: Map<string, number>;
}

const dashed = (address: string) => (net.isIPv4(address) ? address.replaceAll('.', '-') : address.replaceAll(':', '-'));

/** The addresses a headless service answers with: ready endpoints (all, with publishNotReadyAddresses). */
function endpointsOf(svc: Service, slices: EndpointSlice[]): Endpoint[] {
  const all = svc.spec?.publishNotReadyAddresses === true;
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  for (const s of slices) {
    const ports = new Map<string, number>();
    for (const p of s.ports ?? []) if (p.name && p.port !== undefined) ports.set(`${p.name}/${(p.protocol ?? 'TCP').toLowerCase()}`, p.port);
    for (const e of s.endpoints ?? []) {
      if (!all && e.conditions?.ready === false) continue;
      for (const address of e.addresses ?? []) {
        if (seen.has(address)) continue;
        seen.add(address);
        out.push({ address, ...(e.hostname ? { hostname: e.hostname } : {}), ports });
      }
    }
  }
  return out;
}

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function clusterIPsOf(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => net.isIP(ip) !== 0);
}

/** A and AAAA records of `name` for `addresses`, as the query type asks. */
function addressRecords(name: string, addresses: string[], qtype: number, ttl: number): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const address of addresses) {
    const v4 = net.isIPv4(address);
    if (v4 && (qtype === QTYPE.A || qtype === QTYPE.ANY)) out.push({ type: 'A', name, ttl, address });
    if (!v4 && (qtype === QTYPE.AAAA || qtype === QTYPE.ANY)) out.push({ type: 'AAAA', name, ttl, address });
  }
  return out;
}

export class ClusterZone {
  private readonly zone: string;

  constructor(
    private readonly view: ClusterView,
    private readonly opts: ZoneOptions,
  ) {
    this.zone = opts.zone.toLowerCase().replace(/\.$/, '');
  }

  /** Whether `name` lies in the cluster's zone (the server answers it rather than forwarding it). */
  contains(name: string): boolean {
    const n = name.toLowerCase();
    return n === this.zone || n.endsWith(`.${this.zone}`);
  }

  /** The answer for a name in the zone (contains(name) must hold). */
  answer(name: string, qtype: number): DnsAnswer {
    const n = name.toLowerCase().replace(/\.$/, '');
    const rel = n === this.zone ? [] : n.slice(0, -(this.zone.length + 1)).split('.');
    const found = this.lookup(n, rel, qtype);
    if (!found) return this.negative(RCODE.NXDOMAIN);
    if (found.answers.length === 0) return this.negative(RCODE.NOERROR);
    return { rcode: RCODE.NOERROR, authoritative: true, answers: found.answers, additional: found.additional };
  }

  /** The records of an existing name, or undefined if the name does not exist. */
  private lookup(name: string, rel: string[], qtype: number): { answers: DnsRecord[]; additional?: DnsRecord[] } | undefined {
    const ttl = this.opts.ttl;
    const empty = { answers: [] };
    // The zone itself and the interior names svc, pod, <ns>.svc and <ns>.pod exist, with no records of their own.
    if (rel.length === 0) return empty;
    const kind = rel[rel.length - 1];
    if (kind !== 'svc' && kind !== 'pod') return undefined;
    if (rel.length <= 2) return empty;
    const ns = rel[rel.length - 2]!;

    if (kind === 'pod') {
      if (rel.length !== 3) return undefined;
      const label = rel[0]!;
      const v4 = label.replaceAll('-', '.');
      const v6 = label.replaceAll('-', ':');
      const address = net.isIPv4(v4) ? v4 : net.isIPv6(v6) ? v6 : undefined;
      return address ? { answers: addressRecords(name, [address], qtype, ttl) } : undefined;
    }

    const svcName = rel[rel.length - 3]!;
    const svc = this.view.service(ns, svcName);
    if (!svc) return undefined;
    const svcFqdn = `${svcName}.${ns}.svc.${this.zone}`;

    if (rel.length === 3) {
      if (svc.spec?.type === 'ExternalName') {
        const target = svc.spec.externalName?.replace(/\.$/, '');
        return target ? { answers: [{ type: 'CNAME', name, ttl, target }] } : empty;
      }
      const addresses = isHeadless(svc) ? endpointsOf(svc, this.view.slices(ns, svcName)).map((e) => e.address) : clusterIPsOf(svc);
      return { answers: addressRecords(name, addresses, qtype, ttl) };
    }

    if (rel.length === 5 && rel[0]!.startsWith('_') && rel[1]!.startsWith('_')) {
      const portName = rel[0]!.slice(1);
      const proto = rel[1]!.slice(1);
      return this.srv(name, svc, svcFqdn, ns, svcName, portName, proto, qtype);
    }

    if (rel.length === 4 && isHeadless(svc)) {
      const label = rel[0]!;
      const endpoints = endpointsOf(svc, this.view.slices(ns, svcName)).filter((e) => (e.hostname ?? '').toLowerCase() === label || dashed(e.address) === label);
      if (endpoints.length === 0) return undefined;
      return { answers: addressRecords(name, endpoints.map((e) => e.address), qtype, ttl) };
    }
    return undefined;
  }

  private srv(name: string, svc: Service, svcFqdn: string, ns: string, svcName: string, portName: string, proto: string, qtype: number) {
    const ttl = this.opts.ttl;
    const port = (svc.spec?.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP').toLowerCase() === proto);
    if (!port) return undefined;
    if (qtype !== QTYPE.SRV && qtype !== QTYPE.ANY) return { answers: [] };
    if (!isHeadless(svc)) {
      return {
        answers: [{ type: 'SRV' as const, name, ttl, priority: 0, weight: 100, port: port.port, target: svcFqdn }],
        additional: addressRecords(svcFqdn, clusterIPsOf(svc), QTYPE.ANY, ttl),
      };
    }
    const endpoints = endpointsOf(svc, this.view.slices(ns, svcName)).filter((e) => e.ports.has(`${portName}/${proto}`));
    const weight = endpoints.length ? Math.max(1, Math.floor(100 / endpoints.length)) : 100;
    const answers: DnsRecord[] = [];
    const additional: DnsRecord[] = [];
    for (const e of endpoints) {
      const target = `${e.hostname ?? dashed(e.address)}.${svcFqdn}`;
      answers.push({ type: 'SRV', name, ttl, priority: 0, weight, port: e.ports.get(`${portName}/${proto}`)!, target });
      additional.push(...addressRecords(target, [e.address], QTYPE.ANY, ttl));
    }
    return { answers, additional };
  }

  /** NXDOMAIN or NODATA, with the zone's SOA so resolvers cache the absence for its minimum TTL. */
  private negative(rcode: number): DnsAnswer {
    const ttl = this.opts.ttl;
    const soa: DnsRecord = {
      type: 'SOA',
      name: this.zone,
      ttl,
      mname: `ns.dns.${this.zone}`,
      rname: `hostmaster.${this.zone}`,
      serial: Math.floor(Date.now() / 1000),
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    };
    return { rcode, authoritative: true, answers: [], authority: [soa] };
  }
}
