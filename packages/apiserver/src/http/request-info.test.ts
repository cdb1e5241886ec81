import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './request-info.js';

describe('request targets', () => {
  it.each([
    ['/api', { kind: 'discovery-root', legacy: true }],
    ['/apis', { kind: 'discovery-root', legacy: false }],
    ['/apis/apps', { kind: 'discovery-group', group: 'apps' }],
    ['/api/v1', { kind: 'discovery-version', group: '', version: 'v1' }],
    ['/apis/apps/v1', { kind: 'discovery-version', group: 'apps', version: 'v1' }],
    ['/api/v1/pods', { kind: 'resource', group: '', version: 'v1', resource: 'pods', namespace: undefined }],
    ['/api/v1/namespaces/default/pods/web/status', { kind: 'resource', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web', subresource: 'status' }],
    ['/api/v1/namespaces', { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', namespace: undefined }],
    ['/api/v1/namespaces/dev', { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', namespace: undefined, name: 'dev', subresource: undefined }],
    ['/api/v1/namespaces/dev/finalize', { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', namespace: undefined, name: 'dev', subresource: 'finalize' }],
    ['/apis/apps/v1/namespaces/ns/deployments/x/scale', { kind: 'resource', group: 'apps', version: 'v1', resource: 'deployments', namespace: 'ns', name: 'x', subresource: 'scale' }],
    ['/api/v1/nodes/n1', { kind: 'resource', group: '', version: 'v1', resource: 'nodes', namespace: undefined, name: 'n1' }],
    ['/healthz', { kind: 'unknown' }],
    ['/api/v1/namespaces/%ZZ/pods', { kind: 'unknown' }],
  ])('reads %s', (path, want) => {
    expect(parseRequestTarget(path)).toEqual(want);
  });
});
