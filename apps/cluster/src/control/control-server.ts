/**
 * The running `skiff up`'s control socket (<data dir>/skiff.sock, HTTP with JSON bodies), through which other
 * `skiff` commands ask about the cluster's processes and add nodes. Only root (or the owner) can open the socket:
 * it is created with mode 0600.
 *
 *   GET  /status           ClusterStatus
 *   POST /nodes?count=N    { added: string[] } once the new nodes' processes have started
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export interface ProcessStatus {
  name: string;
  pid?: number;
  running: boolean;
}

export interface ClusterStatus {
  pid: number;
  id: string;
  dataDir: string;
  network: string;
  apiUrl: string;
  storeUrls: string[];
  ready: boolean;
  nodes: { name: string; address: string; podCidr?: string; ready: boolean }[];
  fakeNodes: number;
  processes: ProcessStatus[];
  notRunning: string[];
}

export interface ControlHandlers {
  status(): ClusterStatus;
  addNodes(count: number): Promise<string[]>;
}

export async function serveControl(socketPath: string, handlers: ControlHandlers): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer((req, res) => {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://skiff');
    if (req.method === 'GET' && url.pathname === '/status') return reply(200, handlers.status());
    if (req.method === 'POST' && url.pathname === '/nodes') {
      const count = Number(url.searchParams.get('count') ?? '1');
      if (!Number.isInteger(count) || count < 1 || count > 50) return reply(400, { error: `count must be a whole number from 1 to 50, not "${url.searchParams.get('count')}"` });
      handlers.addNodes(count).then(
        (added) => reply(200, { added }),
        (e: unknown) => reply(500, { error: (e as Error).message }),
      );
      return;
    }
    reply(404, { error: `no ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return server;
}
