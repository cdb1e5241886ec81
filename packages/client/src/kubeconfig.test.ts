import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { loadKubeconfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');

const full = file(
  'full.yaml',
  `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${CA.toString('base64')}
- name: dev
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: s3cret
- name: filer
  user:
    tokenFile: token.txt
    client-certificate: cert.pem
    client-key: key.pem
contexts:
- name: prod
  context: { cluster: prod, user: admin, namespace: shop }
- name: dev
  context: { cluster: dev, user: filer }
current-context: prod
`,
);
file('token.txt', 'from-file\n');
file('cert.pem', 'CERT');
file('key.pem', 'KEY');

describe('loadKubeconfig', () => {
  it('reads the current context: server, CA data, token and namespace', () => {
    const c = loadKubeconfig({ path: full });
    expect(c).toEqual({ server: 'https://10.0.0.1:6443', ca: CA, token: 's3cret', namespace: 'shop' });
  });

  it('reads another context with files relative to the kubeconfig and insecure TLS', () => {
    const c = loadKubeconfig({ path: full, context: 'dev' });
    expect(c.server).toBe('http://127.0.0.1:8080');
    expect(c.insecureSkipTLSVerify).toBe(true);
    expect(c.token).toBe('from-file');
    expect(c.cert?.toString()).toBe('CERT');
    expect(c.key?.toString()).toBe('KEY');
    expect(c.namespace).toBe('default');
  });

  it('merges $KUBECONFIG files, the first file winning for each name', () => {
    const override = file(
      'override.yaml',
      `clusters:
- name: prod
  cluster: { server: https://override:6443 }
current-context: dev
`,
    );
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${override}:${full}`;
    try {
      expect(loadKubeconfig().server).toBe('http://127.0.0.1:8080');
      expect(loadKubeconfig({ context: 'prod' }).server).toBe('https://override:6443');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it.each([
    { name: 'a missing file', path: join(dir, 'absent.yaml'), context: undefined, message: /cannot read kubeconfig/ },
    { name: 'an unknown context', path: full, context: 'nope', message: /context "nope" is not in the kubeconfig/ },
    { name: 'no current context', path: file('empty.yaml', 'kind: Config\n'), context: undefined, message: /no current-context/ },
    {
      name: 'a context naming a missing cluster',
      path: file('dangling.yaml', 'contexts:\n- name: x\n  context: { cluster: gone }\ncurrent-context: x\n'),
      context: undefined,
      message: /names cluster "gone"/,
    },
  ])('fails with a Kubeconfig error on $name', ({ path, context, message }) => {
    let err: unknown;
    try {
      loadKubeconfig({ path, context });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('Kubeconfig');
    expect((err as Error).message).toMatch(message);
  });
});
