import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { PortForwardRequest } from '../cri/cri-messages.js';
import { Channel, ChannelConnection } from './channel-protocol.js';
import type { StreamingRuntime } from './exec-attach.js';

/**
 * Port-forward over one WebSocket, as the kubelet serves it: the ports come from `?port=` (repeated; `ports=` as
 * @kubernetes/client-node sends it also works) or else from the PortForward request. Port number i uses data
 * channel 2i and error channel 2i+1, and the server's first message on each channel is the port as a uint16,
 * little-endian. One connection to each port is opened for the life of the WebSocket; the socket closes when every
 * port connection has ended. With v5, [255, channel] half-closes a port connection.
 */
export const PORT_FORWARD_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'portforward.k8s.io'];

function portsOf(query: URLSearchParams, request: PortForwardRequest): number[] {
  const fromQuery = [...query.getAll('port'), ...query.getAll('ports').flatMap((p) => p.split(','))].map(Number);
  const ports = fromQuery.length > 0 ? fromQuery : request.port;
  return ports.filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
}

export async function runPortForward(
  ws: WebSocket,
  request: PortForwardRequest,
  query: URLSearchParams,
  runtime: StreamingRuntime,
  logger: Logger,
): Promise<void> {
  const conn = new ChannelConnection(ws);
  const ports = portsOf(query, request);
  if (ports.length === 0) {
    conn.close(1008, 'no valid port given: use ?port=N');
    return;
  }
  let dialer;
  try {
    dialer = runtime.dialer(request.podSandboxId);
  } catch (err) {
    conn.close(1011, (err as Error).message.slice(0, 120));
    return;
  }
  const v5 = conn.protocol === 'v5.channel.k8s.io';
  const sockets: Duplex[] = [];
  let open = ports.length;
  const portEnded = () => {
    if (--open === 0) conn.close();
  };
  conn.onClose(() => {
    for (const socket of sockets) socket.destroy();
    dialer.close();
  });
  await Promise.all(
    ports.map(async (port, i) => {
      const data = 2 * i;
      const error = 2 * i + 1;
      // the client may send before the pod connection exists: hold its bytes until then
      const early: Buffer[] = [];
      let halfClosed = false;
      let socket: Duplex | undefined;
      conn.onChannel(data, (payload) => (socket ? socket.write(payload) : early.push(payload)));
      conn.onChannelClose(data, () => (socket ? socket.end() : (halfClosed = true)));
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      conn.send(data, prefix);
      conn.send(error, prefix);
      let connected: Duplex;
      try {
        connected = await dialer.dial(port);
      } catch (err) {
        conn.send(error, Buffer.from((err as Error).message));
        portEnded();
        return;
      }
      if (conn.isClosed) {
        connected.destroy();
        return;
      }
      socket = connected;
      sockets.push(connected);
      for (const chunk of early.splice(0)) connected.write(chunk);
      if (halfClosed) connected.end();
      connected.on('data', (chunk: Buffer) => conn.send(data, chunk));
      // the pod closed its side: nothing more can be said on this port, so finish the connection
      connected.on('end', () => connected.end());
      connected.on('error', (err) => conn.send(error, Buffer.from(err.message)));
      connected.on('close', () => {
        if (v5) conn.send(Channel.close, Buffer.from([data]));
        portEnded();
      });
      connected.resume();
    }),
  );
  logger.debug({ sandbox: request.podSandboxId, ports }, 'port-forward session open');
}
