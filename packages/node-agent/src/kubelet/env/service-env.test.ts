import { describe, expect, it } from 'vitest';
import { serviceEnvironment, serviceVariables } from './service-env.js';

const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]) => ({
  metadata: { name, namespace },
  spec: { clusterIP, ports },
});

describe('service variables', () => {
  it('gives the docker-links set for every port', () => {
    const vars = Object.fromEntries(serviceVariables(svc('ns', 'redis-primary', '10.0.0.11', [{ name: 'db', port: 6379 }, { port: 53, protocol: 'UDP' }])));
    expect(vars).toEqual({
      REDIS_PRIMARY_SERVICE_HOST: '10.0.0.11',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_DB: '6379',
      REDIS_PRIMARY_PORT: 'tcp://10.0.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.0.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.0.0.11',
      REDIS_PRIMARY_PORT_53_UDP: 'udp://10.0.0.11:53',
      REDIS_PRIMARY_PORT_53_UDP_PROTO: 'udp',
      REDIS_PRIMARY_PORT_53_UDP_PORT: '53',
      REDIS_PRIMARY_PORT_53_UDP_ADDR: '10.0.0.11',
    });
  });

  it.each([
    ['headless', 'None'],
    ['without an IP', ''],
  ])('gives nothing for a %s service', (_what, ip) => {
    expect(serviceVariables(svc('ns', 'x', ip, [{ port: 80 }]))).toEqual([]);
  });

  const services = [svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]), svc('a', 'web', '10.96.0.5', [{ port: 80 }]), svc('b', 'db', '10.96.0.6', [{ port: 5432 }]), svc('a', 'kubernetes', '10.96.0.9', [{ port: 1 }])];

  it.each([
    ['a pod in a, links on', 'a', true, ['KUBERNETES_SERVICE_HOST=10.96.0.1', 'WEB_SERVICE_HOST=10.96.0.5'], ['DB_SERVICE_HOST']],
    ['a pod in a, links off', 'a', false, ['KUBERNETES_SERVICE_HOST=10.96.0.1'], ['WEB_SERVICE_HOST']],
    ['a pod in b, links on', 'b', true, ['DB_SERVICE_HOST=10.96.0.6', 'KUBERNETES_SERVICE_PORT=443'], ['WEB_SERVICE_HOST']],
  ])('for %s: the master service always, the namespace\'s own when linked', (_what, ns, links, present, absent) => {
    const env = serviceEnvironment(services, ns, links);
    for (const p of present) expect(`${p.split('=')[0]}=${env.get(p.split('=')[0]!)}`).toBe(p);
    for (const a of absent) expect(env.has(a)).toBe(false);
  });
});
