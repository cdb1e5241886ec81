/**
 * A live API server for one test file (loopback, port 0, embedded store) with a client and helpers to create
 * nodes and pods from the builders, plus a kubelet stand-in that finishes graceful deletions (no node agents run
 * in these tests, so a deleted pod on a node would otherwise stay terminating). close() stops what it started.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeObject, Node, Pod } from '@skiff/api';
import { createApiServer, type ApiServer } from '@skiff/apiserver';
import { Client, isAlreadyExists, isNotFound, type ResourceClient, type WatchStream } from '@skiff/client';

export interface LiveCluster {
  server: ApiServer;
  client: Client;
  nodes: ResourceClient<Node>;
  pods: ResourceClient<Pod>;
  addNode(node: V1Node): Promise<Node>;
  /**
   * Creates the pod (the builder's uid is dropped: the server assigns one). A builder's priority becomes a
   * PriorityClass `priority-<n>`, created on first use: the server's Priority admission refuses a pod that sets
   * spec.priority itself.
   */
  addPod(pod: V1Pod): Promise<Pod>;
  getPod(name: string, namespace?: string): Promise<Pod>;
  /** Deletes pods that are terminating on a node at once, as a kubelet would once their containers stopped. */
  reapTerminating(): void;
  close(): Promise<void>;
}

function wire<T>(obj: unknown): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

export async function startLiveCluster(): Promise<LiveCluster> {
  const server = await createApiServer({ port: 0, host: '127.0.0.1', logger: process.env.SKIFF_TEST_LOG ?? 'silent' });
  const client = new Client({ server: server.url, qps: 0 });
  const nodes = client.resource<Node>('v1/nodes');
  const pods = client.resource<Pod>('v1/pods');
  const priorityClasses = client.resource<KubeObject>('scheduling.k8s.io/v1/priorityclasses');
  const classOf = async (priority: number): Promise<string> => {
    const name = `priority-${priority}`;
    try {
      await priorityClasses.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: priority } as KubeObject);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    return name;
  };
  let reaper: WatchStream<Pod> | undefined;
  let closed = false;
  return {
    server,
    client,
    nodes,
    pods,
    addNode: (node) => nodes.create(wire<Node>(node)),
    async addPod(pod) {
      const p = wire<Pod>(pod);
      delete p.metadata!.uid;
      if (p.spec?.priority !== undefined && !p.spec.priorityClassName) {
        p.spec.priorityClassName = await classOf(p.spec.priority);
        delete p.spec.priority;
      }
      return pods.namespace(p.metadata?.namespace || 'default').create(p);
    },
    getPod: (name, namespace = 'default') => pods.namespace(namespace).get(name),
    reapTerminating() {
      void (async () => {
        reaper = await pods.watch({});
        for await (const ev of reaper) {
          const p = ev.object as Pod;
          if (ev.type === 'DELETED' || !p.metadata?.deletionTimestamp || !p.spec?.nodeName) continue;
          try {
            await pods.namespace(p.metadata.namespace!).delete(p.metadata.name!, { gracePeriodSeconds: 0 });
          } catch (e) {
            if (!isNotFound(e) && !closed) console.error(`reaper: ${(e as Error).message}`);
          }
        }
      })();
    },
    async close() {
      closed = true;
      reaper?.close();
      client.close();
      await server.close();
    },
  };
}
