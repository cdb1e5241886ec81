/**
 * The kubeconfig a test's kubectl uses against a test server: one cluster, an anonymous user, namespace `default`.
 * The test servers listen on plain HTTP on loopback, so there is no CA and no credential.
 */
export function testKubeconfig(serverUrl: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: skiff',
    `  cluster: { server: ${JSON.stringify(serverUrl)} }`,
    'users:',
    '- name: admin',
    '  user: {}',
    'contexts:',
    '- name: skiff',
    '  context: { cluster: skiff, user: admin, namespace: default }',
    'current-context: skiff',
    '',
  ].join('\n');
}
