import { describe, expect, it } from 'vitest';
import type { Service } from '../k8s/types.js';
import { desiredIngress, ingressDiffers, ownsLoadBalancerStatus } from './lb-status.js';

function svc(spec: NonNullable<Service['spec']>, ingress?: { ip?: string; hostname?: string }[]): Service {
  return { metadata: { name: 'web', namespace: 'shop' }, spec, ...(ingress ? { status: { loadBalancer: { ingress } } } : {}) };
}

const nodes = ['10.0.0.10', 'fd00::2', '10.0.0.9', '10.0.0.9'];

describe('load-balancer ingress', () => {
  it.each<[string, Service, string[]]>([
    ['IPv4 node addresses for an IPv4 LoadBalancer, in numeric order, once each', svc({ type: 'LoadBalancer', clusterIP: '10.96.0.5' }), ['10.0.0.9', '10.0.0.10']],
    ['IPv6 ones for an IPv6 LoadBalancer', svc({ type: 'LoadBalancer', clusterIPs: ['fd00:96::5'] }), ['fd00::2']],
    ['both for a dual-stack one', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.5', 'fd00:96::5'] }), ['10.0.0.9', '10.0.0.10', 'fd00::2']],
    ['the declared families when there is no cluster IP', svc({ type: 'LoadBalancer', clusterIP: 'None', ipFamilies: ['IPv6'] }), ['fd00::2']],
    ['nothing for a NodePort Service', svc({ type: 'NodePort', clusterIP: '10.96.0.5' }), []],
    ['nothing for a ClusterIP Service', svc({ clusterIP: '10.96.0.5' }), []],
  ])('gives %s', (_name, s, expected) => {
    expect(desiredIngress(s, nodes).map((i) => i.ip)).toEqual(expected);
  });

  it.each<[string, Service, boolean]>([
    ['a LoadBalancer without a class', svc({ type: 'LoadBalancer' }), true],
    ['a ClusterIP Service (to clear ingress left from an earlier type)', svc({ type: 'ClusterIP' }), true],
    ['a LoadBalancer with a class (another implementation owns it)', svc({ type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' }), false],
    ['an ExternalName Service', svc({ type: 'ExternalName', externalName: 'example.org' }), false],
  ])('owns the status of %s: %s', (_name, s, expected) => {
    expect(ownsLoadBalancerStatus(s)).toBe(expected);
  });

  it.each<[string, { ip?: string; hostname?: string }[] | undefined, string[], boolean]>([
    ['the same addresses in the same order', [{ ip: '10.0.0.9' }, { ip: '10.0.0.10' }], ['10.0.0.9', '10.0.0.10'], false],
    ['another order', [{ ip: '10.0.0.10' }, { ip: '10.0.0.9' }], ['10.0.0.9', '10.0.0.10'], true],
    ['one missing', [{ ip: '10.0.0.9' }], ['10.0.0.9', '10.0.0.10'], true],
    ['a hostname', [{ hostname: 'lb.example' }], ['10.0.0.9'], true],
    ['no status and none wanted', undefined, [], false],
  ])('sees a difference with %s: %s', (_name, ingress, want, expected) => {
    expect(ingressDiffers(svc({ type: 'LoadBalancer' }, ingress), want.map((ip) => ({ ip })))).toBe(expected);
  });
});
