/**
 * The node agent's view of the API server, through @skiff/client: informers for the pods bound here
 * (fieldSelector spec.nodeName), this Node, and the Services, ConfigMaps and Secrets pods consume; the writes a
 * kubelet makes (pods/status, the final pod delete, Events); and TokenRequest for projected service account
 * tokens. Everything the pod workers use goes through the `PodApi` this builds.
 */
import http from 'node:http';
import https from 'node:https';
import type { ConfigMap, KubeObject, Node, Pod, Secret, Service } from '@skiff/api';
import { EventRecorder, InformerFactory, isNotFound, type Client, type ClusterConfig, type SharedInformer } from '@skiff/client';
import type { Logger } from 'pino';
import { NodeAgentError } from '../errors.js';
import type { PodApi } from './pods/pod-context.js';

export interface KubeApiOptions {
  client: Client;
  cluster: ClusterConfig;
  nodeName: string;
  logger: Logger;
}

export class KubeApi {
  readonly factory: InformerFactory;
  readonly pods: SharedInformer<Pod>;
  readonly node: SharedInformer<Node>;
  readonly services: SharedInformer<Service>;
  readonly configMaps: SharedInformer<ConfigMap>;
  readonly secrets: SharedInformer<Secret>;
  readonly recorder: EventRecorder;
  private readonly tokens = new Map<string, { token: string; refreshAt: number }>();

  constructor(private readonly options: KubeApiOptions) {
    const { client, nodeName, logger } = options;
    this.factory = new InformerFactory(client, { logger });
    this.pods = this.factory.informer<Pod>('v1/pods', { fieldSelector: `spec.nodeName=${nodeName}` });
    this.node = this.factory.informer<Node>('v1/nodes', { fieldSelector: `metadata.name=${nodeName}` });
    this.services = this.factory.informer<Service>('v1/services');
    this.configMaps = this.factory.informer<ConfigMap>('v1/configmaps');
    this.secrets = this.factory.informer<Secret>('v1/secrets');
    this.recorder = new EventRecorder({ client, component: 'kubelet', host: nodeName, logger });
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.pods.indexer.get(`${namespace}/${name}`);
  }

  podApi(): PodApi {
    const { client } = this.options;
    const pods = client.resource<Pod>('v1/pods');
    return {
      writeStatus: async (pod, status) => {
        try {
          await pods.namespace(pod.metadata.namespace).patch(pod.metadata.name, { status }, 'merge', { subresource: 'status' });
          return true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      deletePod: async (pod) => {
        try {
          await pods.namespace(pod.metadata.namespace).delete(pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      },
      event: (pod, type, reason, message) => {
        const involved: KubeObject = { ...pod, apiVersion: 'v1', kind: 'Pod' };
        this.recorder.event(involved, type, reason, message);
      },
      services: () => this.services.indexer.list(),
      objects: {
        configMap: async (ns, name) => this.configMaps.indexer.get(`${ns}/${name}`),
        secret: async (ns, name) => this.secrets.indexer.get(`${ns}/${name}`),
        serviceAccountToken: (pod, audience, expirationSeconds) => this.serviceAccountToken(pod, audience, expirationSeconds),
      },
    };
  }

  start(): void {
    this.factory.start();
  }

  async waitForSync(timeoutMs: number): Promise<void> {
    await this.factory.waitForSync(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.factory.stop();
    await Promise.race([this.recorder.flush(), new Promise((r) => setTimeout(r, 2000))]);
  }

  /**
   * A token bound to the pod, from the TokenRequest API (serviceaccounts/{name}/token), cached until 80% of its
   * life has passed as the kubelet does. @skiff/client has no verb for subresource creates, so this one request
   * goes out directly with the cluster's credentials.
   */
  private async serviceAccountToken(pod: any, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const sa = pod.spec?.serviceAccountName ?? 'default';
    const key = `${pod.metadata.uid}|${audience ?? ''}|${expirationSeconds}`;
    const cached = this.tokens.get(key);
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: audience ? [audience] : [],
        expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
      },
    };
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace)}/serviceaccounts/${encodeURIComponent(sa)}/token`;
    const res = await postJson(this.options.cluster, path, body);
    const token = res?.status?.token;
    if (typeof token !== 'string') throw new NodeAgentError('VolumeSetupFailed', `TokenRequest for service account "${sa}" returned no token`);
    this.tokens.set(key, { token, refreshAt: Date.now() + expirationSeconds * 800 });
    return token;
  }
}

function postJson(cluster: ClusterConfig, path: string, body: unknown): Promise<any> {
  const url = new URL(path, cluster.server);
  const data = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) };
  if (cluster.token) headers.authorization = `Bearer ${cluster.token}`;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method: 'POST', headers, ca: cluster.ca, cert: cluster.cert, key: cluster.key, rejectUnauthorized: !cluster.insecureSkipTLSVerify, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) {
            reject(new NodeAgentError('ApiRequestFailed', `POST ${path}: ${res.statusCode}: ${text.slice(0, 300)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new NodeAgentError('ApiRequestFailed', `POST ${path}: the answer was not JSON`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new NodeAgentError('ApiRequestFailed', `POST ${path}: ${err.message}`, { cause: err })));
    req.end(data);
  });
}
