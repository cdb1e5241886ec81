/** A live API server for one test file (loopback, port 0, embedded store) and a client for it. */
import { createApiServer, type ApiServer, type ApiServerOptions } from '@skiff/apiserver';
import { Client, type ClientOptions } from '../src/index.js';

export interface TestCluster {
  server: ApiServer;
  client: Client;
  /** Another client on the same server, with its own connections and options. */
  newClient(opts?: Partial<ClientOptions>): Client;
  close(): Promise<void>;
}

export async function startTestCluster(opts: ApiServerOptions = {}): Promise<TestCluster> {
  const server = await createApiServer({ port: 0, host: '127.0.0.1', logger: process.env.SKIFF_TEST_LOG ?? 'silent', ...opts });
  const clients: Client[] = [];
  const newClient = (o: Partial<ClientOptions> = {}) => {
    const c = new Client({ server: server.url, qps: 0, ...o });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    server,
    client,
    newClient,
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}
