/**
 * The client: one transport (keep-alive connections, one QPS/burst budget) shared by a typed ResourceClient per
 * resource. Cheap to ask for a resource client; create one Client per component and share it.
 */
import type { KubeObject, ResourceDefinition, ResourceRegistry } from '@skiff/api';
import type { ClusterConfig } from '../kubeconfig.js';
import { ResourceClient } from './resource-client.js';
import { resolveResource, type ResourceRef } from './resource-ref.js';
import { Transport, type TransportOptions } from './transport.js';
import type { ObjectLike } from '../object-like.js';

export interface ClientOptions extends TransportOptions {
  /** Resolves string resource references; the built-in resources by default. */
  registry?: ResourceRegistry;
}

export class Client {
  private readonly transport: Transport;
  private readonly registry?: ResourceRegistry;
  private readonly resolved = new Map<string, ResourceDefinition>();
  readonly server: string;

  constructor(opts: ClientOptions) {
    this.transport = new Transport(opts);
    this.registry = opts.registry;
    this.server = opts.server;
  }

  /** Typed verbs on one resource: `client.resource<Pod>('v1/pods').namespace('default').get('web')`. */
  resource<T extends ObjectLike = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    let def: ResourceDefinition | undefined;
    if (typeof ref === 'string') {
      def = this.resolved.get(ref);
      if (!def) this.resolved.set(ref, (def = resolveResource(ref, this.registry)));
    } else def = ref;
    return new ResourceClient<T>(this.transport, def);
  }

  /** GET of any path (discovery, /version, /healthz), decoded as JSON. */
  async raw<T = unknown>(path: string): Promise<T> {
    return (await this.transport.request<T>('GET', path)).body;
  }

  /** Closes idle connections; requests after this fail with ClientError 'Closed'. */
  close(): void {
    this.transport.close();
  }
}

/** A client for a kubeconfig's cluster and user (see loadKubeconfig), with this component's QPS, burst and agent. */
export function createClient(config: ClusterConfig, opts: Omit<ClientOptions, keyof ClusterConfig> = {}): Client {
  const { namespace: _namespace, ...connection } = config;
  return new Client({ ...connection, ...opts });
}
