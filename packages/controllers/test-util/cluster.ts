/**
 * A live cluster for one test file: an API server (loopback, port 0, embedded store), the controller manager
 * against it (leader election off unless asked, short backoffs), a client, and a node simulator playing the
 * scheduler and kubelets. close() stops everything, in reverse order, even after a failed test.
 */
import { createApiServer, type ApiServer, type ApiServerOptions } from '@skiff/apiserver';
import { Client } from '@skiff/client';
import pino from 'pino';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from '../src/index.js';
import { NodeSimulator, type NodeSimulatorOptions } from './node-simulator.js';

export interface TestCluster {
  server: ApiServer;
  client: Client;
  manager: ControllerManager;
  nodes: NodeSimulator;
  /** Creates a namespace and returns its name. */
  namespace(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestClusterOptions {
  server?: ApiServerOptions;
  manager?: ControllerManagerOptions;
  /** Node names the simulator registers (default one node, 'node-1'); false: no simulator. */
  nodes?: NodeSimulatorOptions | false;
}

export async function startTestCluster(o: TestClusterOptions = {}): Promise<TestCluster> {
  const level = process.env.SKIFF_TEST_LOG ?? 'silent';
  const server = await createApiServer({ port: 0, host: '127.0.0.1', logger: level, ...o.server });
  const closers: (() => Promise<unknown> | void)[] = [() => server.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const client = new Client({ server: server.url, qps: 0 });
    closers.push(() => client.close());
    const manager = await startControllerManager({
      cluster: { server: server.url, namespace: 'default' },
      leaderElection: false,
      logger: pino({ level }),
      rateLimit: { baseMs: 5, maxMs: 2_000 },
      ...o.manager,
    });
    closers.push(() => manager.stop());
    const nodes = new NodeSimulator({ client, ...(o.nodes || {}), enabled: o.nodes !== false });
    closers.push(() => nodes.stop());
    await nodes.start();
    await manager.ready();
    return {
      server,
      client,
      manager,
      nodes,
      async namespace(name) {
        await client.resource('v1/namespaces').create({ metadata: { name } });
        return name;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
