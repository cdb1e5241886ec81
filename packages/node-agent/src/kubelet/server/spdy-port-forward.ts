/**
 * kubectl port-forward's SPDY protocol (portforward.k8s.io), served over a socket that has just been upgraded.
 * For every local connection kubectl opens two streams with the same `requestid`:
 *
 *   {streamtype: error, port: 8080, requestid: 3}   we write a failure there (kubectl prints it), then FIN
 *   {streamtype: data,  port: 8080, requestid: 3}   the connection's bytes, both ways
 *
 * Once both are there, the pod port is dialled through the runtime (runtime-port-dialer.ts). Either side ending
 * ends the other: the pod closing FINs the data stream; kubectl's FIN half-closes the pod connection; a reset
 * drops it.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SpdySession, type SpdyStream } from '../spdy/spdy-session.js';
import type { PodPortConnection } from './runtime-port-dialer.js';

export type PortDialer = (port: number) => Promise<PodPortConnection>;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
}

export function acceptSpdyUpgrade(socket: Duplex, protocol: string): void {
  socket.write(
    ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${protocol}`, '', ''].join('\r\n'),
  );
}

export function servePortForward(socket: Duplex, head: Buffer, dial: PortDialer, logger: Logger): SpdySession {
  acceptSpdyUpgrade(socket, 'portforward.k8s.io');
  const session = new SpdySession(socket, logger);
  if (head.length) socket.unshift(head);
  const pairs = new Map<string, Pair>();

  session.on('stream', (stream: SpdyStream) => {
    const type = stream.headers.streamtype;
    const id = stream.headers.requestid ?? '';
    const port = Number(stream.headers.port);
    if ((type !== 'data' && type !== 'error') || !Number.isInteger(port) || port <= 0 || port > 65535) {
      stream.reset();
      return;
    }
    stream.reply();
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    pair[type] = stream;
    // kubectl sends nothing on the error stream; drain it so its FIN is seen
    if (type === 'error') stream.on('data', () => undefined);
    if (pair.data && pair.error) {
      pairs.delete(id);
      void connect(pair.data, pair.error, port, dial, logger);
    }
  });
  return session;
}

async function connect(data: SpdyStream, error: SpdyStream, port: number, dial: PortDialer, logger: Logger): Promise<void> {
  const early: Buffer[] = [];
  let clientEnded = false;
  const onEarly = (chunk: Buffer) => early.push(chunk);
  data.on('data', onEarly);
  data.once('end', () => (clientEnded = true));
  let conn: PodPortConnection;
  try {
    conn = await dial(port);
  } catch (err) {
    error.write(Buffer.from(`error forwarding port ${port}: ${(err as Error).message}`));
    error.end();
    data.end();
    return;
  }
  if (data.isClosed) {
    conn.destroy();
    return;
  }
  data.off('data', onEarly);
  for (const chunk of early) conn.write(chunk);
  if (clientEnded) conn.end();
  data.on('data', (chunk: Buffer) => conn.write(chunk));
  data.on('end', () => conn.end());
  data.on('close', () => conn.destroy());
  conn.on('data', (chunk: Buffer) => data.write(chunk));
  conn.on('remote-error', (message: string) => error.write(Buffer.from(message)));
  conn.on('end', () => data.end());
  conn.on('error', (err: Error) => logger.debug({ port, err: err.message }, 'port-forward connection failed'));
  conn.on('close', () => {
    data.end();
    error.end();
  });
}
