// A live API server for the service-proxy tests and builders for the objects they write. The server's service
// CIDR is a random /16 of loopback (127.x.0.0/16), so cluster IPs can be bound on loopback without an interface
// or root, and a run does not meet another run's addresses; node ports come from 20000-29999, each test picking
// one that is free on this host (probed) rather than trusting the allocator's luck, and so do service ports.
import dgram from 'node:dgram';
import net from 'node:net';
import type { EndpointSlice, Service } from '@skiff/api';
import { createApiServer, type ApiServer, type ApiServerOptions } from '@skiff/apiserver';
import { Client, type ResourceClient } from '@skiff/client';
import pino from 'pino';
import { SERVICE_NAME_LABEL } from '../src/k8s/types.js';
import type { StartServiceProxyOptions } from '../src/service-proxy/options.js';
import { startServiceProxy, type RunningServiceProxy } from '../src/service-proxy/start-service-proxy.js';
import { withTimeout } from './net-fixtures.js';

export const TEST_NODE_PORT_RANGE: [number, number] = [20000, 29999];

export interface TestApi {
  server: ApiServer;
  client: Client;
  /** The second octet of this run's loopback service CIDR (127.<octet>.0.0/16). */
  octet: number;
  services(namespace?: string): ResourceClient<Service>;
  slices(namespace?: string): ResourceClient<EndpointSlice>;
  close(): Promise<void>;
}

export async function startTestApi(opts: ApiServerOptions = {}): Promise<TestApi> {
  const octet = 2 + Math.floor(Math.random() * 250);
  const server = await createApiServer({
    port: 0,
    host: '127.0.0.1',
    logger: process.env.SKIFF_TEST_LOG ?? 'silent',
    serviceCidr: `127.${octet}.0.0/16`,
    nodePortRange: TEST_NODE_PORT_RANGE,
    ...opts,
  });
  const client = new Client({ server: server.url, qps: 0 });
  return {
    server,
    client,
    octet,
    services: (ns = 'default') => client.resource<Service>('v1/services').namespace(ns),
    slices: (ns = 'default') => client.resource<EndpointSlice>('discovery.k8s.io/v1/endpointslices').namespace(ns),
    async close() {
      client.close();
      await server.close();
    },
  };
}

function bindProbe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => s.close(() => resolve(false)));
      u.bind(port, '0.0.0.0', () => u.close(() => s.close(() => resolve(true))));
    });
  });
}

const handedOut = new Set<number>();

/**
 * A port of the test node-port range free for TCP and UDP on every address right now (at most 200 probes), for
 * node ports and for service ports alike: on a shared host a fixed port like 8080 may be someone's wildcard.
 */
export async function freeTestPort(): Promise<number> {
  const [lo, hi] = TEST_NODE_PORT_RANGE;
  for (let i = 0; i < 200; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (handedOut.has(port)) continue;
    if (await bindProbe(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port in the test node-port range after 200 probes');
}

export interface PortSpec {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
}

/** A Service of `type` (default ClusterIP) with the given ports and extra spec fields. */
export function serviceObject(name: string, ports: PortSpec[], extra: { annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): Service {
  return {
    metadata: { name, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ports: ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      ...extra.spec,
    },
  };
}

export interface EndpointSpec {
  address?: string;
  ready?: boolean;
  terminating?: boolean;
  nodeName?: string;
  zones?: string[];
}

/**
 * An EndpointSlice of Service `service`: endpoints all on one target port (slices carry one port list, so each
 * loopback backend, with a port of its own, gets a slice of its own).
 */
export function sliceObject(service: string, name: string, port: number, endpoints: EndpointSpec[], portName = '', protocol: 'TCP' | 'UDP' = 'TCP'): EndpointSlice {
  return {
    metadata: { name, labels: { [SERVICE_NAME_LABEL]: service } },
    addressType: 'IPv4',
    ports: [{ name: portName, port, protocol }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.address ?? '127.0.0.1'],
      conditions: { ready: e.ready ?? !e.terminating, serving: e.ready ?? true, terminating: e.terminating ?? false },
      nodeName: e.nodeName ?? 'node-a',
      ...(e.zones ? { hints: { forZones: e.zones.map((z) => ({ name: z })) } } : {}),
    })),
  };
}

/** Polls `probe` until it returns a value other than undefined; fails after `ms` with the last error seen. */
export async function until<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await withTimeout(probe(), Math.max(1, deadline - Date.now()) + 1000, what);
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface ProxyBed {
  api: TestApi;
  proxy: RunningServiceProxy;
  /** This run's node address: 127.<octet>.255.255, on loopback, never a cluster IP of the run's /16. */
  nodeAddress: string;
  /** The cluster IP the API server gave Service `name` (waits for nothing: read after create). */
  clusterIP(name: string): Promise<string>;
  /** Names of the proxy's virtual services of Service `default/<name>`. */
  served(name: string): string[];
  close(): Promise<void>;
}

/**
 * An API server and a proxy for node-a on loopback, without a cluster-IP interface (cluster IPs are loopback
 * here), serving /metrics on a free port, with short leader-election and presence timings.
 */
export async function startProxyBed(overrides: Partial<StartServiceProxyOptions> = {}): Promise<ProxyBed> {
  const api = await startTestApi();
  const nodeAddress = `127.${api.octet}.255.255`;
  let proxy: RunningServiceProxy;
  try {
    proxy = await startServiceProxy({
      nodeName: 'node-a',
      client: api.client,
      nodeAddresses: [nodeAddress],
      clusterIpInterface: null,
      metricsBindAddress: '127.0.0.1:0',
      election: { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 },
      presenceLeaseSeconds: 5,
      presenceRenewMs: 1000,
      logger: pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' }),
      ...overrides,
    });
    await withTimeout(proxy.ready, 20_000, 'first proxy sync');
  } catch (e) {
    await api.close();
    throw e;
  }
  return {
    api,
    proxy,
    nodeAddress,
    clusterIP: async (name) => (await api.services().get(name)).spec!.clusterIP!,
    served: (name) => proxy.proxy.status().map((s) => s.name).filter((n) => n.startsWith(`default/${name}:`)),
    async close() {
      await proxy.close();
      await api.close();
    },
  };
}
