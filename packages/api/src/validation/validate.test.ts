import { describe, expect, it } from 'vitest';
import { container, deployment, pod, service } from '../../test-util/objects.js';
import { isStatusError, type StatusError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { ResourceRegistry } from '../registry/resource-registry.js';
import { FieldErrors } from './field-errors.js';
import { qualifiedName } from './names.js';
import { validateObject, validateObjectUpdate } from './validate.js';

const registry = new ResourceRegistry();
const pods = registry.get('', 'v1', 'pods')!;
const deployments = registry.get('apps', 'v1', 'deployments')!;
const services = registry.get('', 'v1', 'services')!;
const namespaces = registry.get('', 'v1', 'namespaces')!;
const cronjobs = registry.get('batch', 'v1', 'cronjobs')!;
const configmaps = registry.get('', 'v1', 'configmaps')!;

function errorOf(fn: () => void): StatusError | undefined {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  return undefined;
}

describe('validation of new objects', () => {
  it.each<[string, typeof pods, KubeObject, string | undefined]>([
    ['a valid pod', pods, pod(), undefined],
    ['an upper-case name', pods, pod('Web'), 'metadata.name'],
    ['a pod without containers', pods, pod('x', { spec: { containers: [] } }), 'spec.containers'],
    ['a container without an image', pods, pod('x', { spec: { containers: [{ name: 'a' }] } }), 'spec.containers[0].image'],
    ['duplicate container names', pods, pod('x', { spec: { containers: [container(), container()] } }), 'spec.containers[1].name'],
    ['a port out of range', pods, pod('x', { spec: { containers: [container({ ports: [{ containerPort: 70000 }] })] } }), 'spec.containers[0].ports[0].containerPort'],
    ['a bad quantity', pods, pod('x', { spec: { containers: [container({ resources: { limits: { cpu: 'lots' } } })] } }), 'spec.containers[0].resources.limits[cpu]'],
    ['requests above limits', pods, pod('x', { spec: { containers: [container({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } })] } }), 'spec.containers[0].resources.requests'],
    ['an unknown restart policy', pods, pod('x', { spec: { restartPolicy: 'Sometimes' } }), 'spec.restartPolicy'],
    ['a mount of a missing volume', pods, pod('x', { spec: { containers: [container({ volumeMounts: [{ name: 'v', mountPath: '/v' }] })] } }), 'spec.containers[0].volumeMounts[0].name'],
    ['a bad label value', pods, pod('x', { metadata: { labels: { app: 'no spaces' } } }), 'metadata.labels'],
    ['a valid deployment', deployments, deployment(), undefined],
    ['a deployment without a selector', deployments, deployment('web', { spec: { selector: undefined } }), 'spec.selector'],
    ['a selector that misses the template', deployments, deployment('web', { spec: { selector: { matchLabels: { app: 'other' } } } }), 'spec.template.metadata.labels'],
    ['negative replicas', deployments, deployment('web', { spec: { replicas: -1 } }), 'spec.replicas'],
    ['a percentage over 100', deployments, deployment('web', { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '150%' } } } }), 'spec.strategy.rollingUpdate.maxSurge'],
    ['a valid service', services, service(), undefined],
    ['a service name starting with a digit', services, service('1web'), 'metadata.name'],
    ['a service without ports', services, service('web', { spec: { ports: [] } }), 'spec.ports'],
    ['a service of an unknown type', services, service('web', { spec: { type: 'Magic' } }), 'spec.type'],
    ['a namespace with a dot', namespaces, { metadata: { name: 'a.b' } }, 'metadata.name'],
    ['a cron job with a bad schedule', cronjobs, { metadata: { name: 'c', namespace: 'd' }, spec: { schedule: 'every day', jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } } } }, 'spec.schedule'],
    ['a config map with a bad key', configmaps, { metadata: { name: 'c', namespace: 'd' }, data: { 'a/b': 'x' } }, 'data'],
  ])('%s is reported at the right field', (_, def, obj, field) => {
    const err = errorOf(() => validateObject(def, obj));
    if (field === undefined) expect(err).toBeUndefined();
    else {
      expect(err?.code).toBe(422);
      expect(err?.status.details?.causes?.map((c) => c.field)).toContain(field);
    }
  });

  it('phrases the message as kubectl users know it', () => {
    const err = errorOf(() => validateObject(deployments, deployment('web', { spec: { replicas: -1 } })));
    expect(err?.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });
});

describe('format checks', () => {
  it('still report a bad value after good ones were checked (and remembered)', () => {
    const errs = new FieldErrors();
    for (const v of ['app', 'tier', 'app']) errs.check('metadata.labels', v, qualifiedName);
    expect(errs.empty).toBe(true);
    errs.check('metadata.labels', 'bad key!', qualifiedName);
    errs.check('metadata.labels', 'bad key!', qualifiedName);
    expect(errs.list).toHaveLength(2);
    expect(errs.list[0]!.message).toMatch(/^Invalid value: "bad key!": name part must consist/);
  });
});

describe('validation of updates', () => {
  it('refuses a changed deployment selector', () => {
    const prev = deployment();
    const next = deployment('web', { spec: { selector: { matchLabels: { app: 'web', x: 'y' } }, template: { metadata: { labels: { app: 'web', x: 'y' } }, spec: { containers: [container()] } } } });
    expect(errorOf(() => validateObjectUpdate(deployments, next, prev))?.status.details?.causes?.[0]?.field).toBe('spec.selector');
  });

  it('lets a pod change its image but nothing else in its spec', () => {
    const prev = pod();
    const image = pod('web', { spec: { containers: [container({ image: 'nginx:2' })] } });
    expect(errorOf(() => validateObjectUpdate(pods, image, prev))).toBeUndefined();
    const env = pod('web', { spec: { containers: [container({ env: [{ name: 'A', value: 'b' }] })] } });
    expect(errorOf(() => validateObjectUpdate(pods, env, prev))?.status.details?.causes?.[0]?.field).toBe('spec');
  });

  it('keeps a service cluster IP fixed', () => {
    const prev = service('web', { spec: { clusterIP: '10.96.0.10' } });
    const next = service('web', { spec: { clusterIP: '10.96.0.11' } });
    expect(errorOf(() => validateObjectUpdate(services, next, prev))?.code).toBe(422);
  });
});
