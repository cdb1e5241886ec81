/**
 * The node side of the streaming protocols, for tests of the API server's proxy until the node agent exists:
 * kubelet's /containerLogs (three fixed lines, honouring tailLines and follow) and /exec over the WebSocket
 * channel protocol (v5/v4), running two commands: `echo ARGS...` and `exit N`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface NodeAgentPeer {
  port: number;
  /** Paths the peer was asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

const LINES = ['line 1', 'line 2', 'line 3'];

function frame(channel: number, data: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}

function runCommand(ws: WebSocket, command: string[]): void {
  const [cmd, ...args] = command;
  if (cmd === 'echo') {
    ws.send(frame(1, `${args.join(' ')}\n`));
    ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
  } else if (cmd === 'exit') {
    const code = args[0] ?? '1';
    ws.send(
      frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: code }] } })),
    );
  } else {
    ws.send(frame(2, `${cmd}: not found\n`));
    ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: 127', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '127' }] } })));
  }
  ws.close(1000);
}

export async function startNodeAgentPeer(): Promise<NodeAgentPeer> {
  const requests: string[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://peer');
    if (!url.pathname.startsWith('/containerLogs/')) {
      res.writeHead(404).end('not found');
      return;
    }
    const tail = url.searchParams.get('tailLines');
    const lines = tail ? LINES.slice(-Number(tail)) : LINES;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(lines.map((l) => `${l}\n`).join(''));
    if (url.searchParams.get('follow') === 'true') {
      open.add(res);
      res.write('line 4 (followed)\n');
      res.on('close', () => open.delete(res));
    } else res.end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => protocols.has(p)) ?? false,
  });
  server.on('upgrade', (req, socket, head) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://peer');
    if (!url.pathname.startsWith('/exec/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => runCommand(ws, url.searchParams.getAll('command')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    async close() {
      for (const r of open) r.destroy();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
