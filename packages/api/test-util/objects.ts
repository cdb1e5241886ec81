/** Builders of valid objects for tests; each takes overrides merged shallowly into the interesting part. */
import type { KubeObject } from '../src/object.js';

export function container(over: Record<string, any> = {}): Record<string, any> {
  return { name: 'app', image: 'nginx:1.27', ...over };
}

export function pod(name = 'web', over: { spec?: Record<string, any>; metadata?: Record<string, any> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...over.metadata },
    spec: { containers: [container()], ...over.spec },
  };
}

export function deployment(name = 'web', over: { spec?: Record<string, any> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container()] } },
      ...over.spec,
    },
  };
}

export function service(name = 'web', over: { spec?: Record<string, any> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...over.spec },
  };
}
