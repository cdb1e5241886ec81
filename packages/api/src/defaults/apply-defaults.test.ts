import { describe, expect, it } from 'vitest';
import { deployment, pod, service } from '../../test-util/objects.js';
import { ResourceRegistry } from '../registry/resource-registry.js';
import { applyDefaults } from './apply-defaults.js';
import { defaultPullPolicy, podQosClass } from './pod.js';

const registry = new ResourceRegistry();

describe('defaulting', () => {
  it('fills the pod fields kubectl displays', () => {
    const p = pod('web', { spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] } });
    applyDefaults(registry.get('', 'v1', 'pods')!, p);
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
      containers: [{ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    });
  });

  it('gives deployments the rolling update strategy and history limits', () => {
    const d = deployment();
    applyDefaults(registry.get('apps', 'v1', 'deployments')!, d);
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('defaults service type, affinity and target ports', () => {
    const s = service();
    applyDefaults(registry.get('', 'v1', 'services')!, s);
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
  });

  it('is idempotent', () => {
    const d = deployment();
    const def = registry.get('apps', 'v1', 'deployments')!;
    applyDefaults(def, d);
    const once = structuredClone(d);
    applyDefaults(def, d);
    expect(d).toEqual(once);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('pulls %s with policy %s', (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });

  it.each([
    [{}, 'BestEffort'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
  ])('classifies resources %j as %s', (resources, want) => {
    expect(podQosClass({ containers: [{ name: 'a', resources }] })).toBe(want);
  });
});
