// Loopback servers and clients for the data-path tests and benchmarks. Everything listens on 127.0.0.1 with
// port 0 and is closed by the returned close(); every wait is bounded.
import dgram from 'node:dgram';
import net from 'node:net';

export interface TcpBackend {
  port: number;
  /** Sockets accepted so far. */
  accepted: number;
  /** Sockets accepted and not yet closed. */
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/**
 * A TCP backend that greets each connection with `<name>\n`, then echoes what it reads and ends its side when
 * the client ends its own (so half-close is visible end to end).
 */
export async function tcpBackend(name: string, onSocket?: (s: net.Socket) => void): Promise<TcpBackend> {
  const sockets = new Set<net.Socket>();
  const b: TcpBackend = { port: 0, accepted: 0, sockets, close: async () => {} };
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    b.accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.write(`${name}\n`);
    if (onSocket) onSocket(s);
    else s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  b.port = (server.address() as net.AddressInfo).port;
  b.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return b;
}

/** A port nothing listens on (bound, then released): connections to it are refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

export interface Exchange {
  /** Everything the server sent before it closed. */
  data: string;
  /** How the connection ended: 'end' (FIN), or the error code (ECONNRESET...). */
  ending: string;
}

/** Connects, sends `payload`, half-closes, and collects the reply until the connection ends. */
export function exchange(port: number, payload: string, host = '127.0.0.1'): Promise<Exchange> {
  return withTimeout(
    new Promise<Exchange>((resolve) => {
      const chunks: Buffer[] = [];
      const c = net.connect({ port, host, allowHalfOpen: true });
      let ending = 'end';
      c.on('data', (d: Buffer) => chunks.push(d));
      c.on('error', (e: NodeJS.ErrnoException) => (ending = e.code ?? 'error'));
      c.on('end', () => c.end());
      c.on('close', () => resolve({ data: Buffer.concat(chunks).toString(), ending }));
      c.on('connect', () => c.end(payload));
    }),
    5000,
    `exchange with port ${port}`,
  );
}

/** Opens a connection and resolves once the backend's greeting line arrived: the backend's name. */
export function openGreeted(port: number, host = '127.0.0.1'): Promise<{ socket: net.Socket; name: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, allowHalfOpen: true });
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          socket.removeListener('data', onData);
          resolve({ socket, name: buf.slice(0, nl) });
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
    }),
    5000,
    `greeting from port ${port}`,
  );
}

export interface UdpBackend {
  port: number;
  received: number;
  close(): Promise<void>;
}

/** A UDP backend that answers each datagram with `<name>:<datagram>`. */
export async function udpBackend(name: string): Promise<UdpBackend> {
  const socket = dgram.createSocket('udp4');
  const b: UdpBackend = { port: 0, received: 0, close: () => new Promise<void>((r) => socket.close(() => r())) };
  socket.on('message', (msg, rinfo) => {
    b.received++;
    socket.send(`${name}:${msg.toString()}`, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  b.port = socket.address().port;
  return b;
}

/** A UDP client socket; ask() sends a datagram and waits (bounded) for the next reply. */
export async function udpClient(): Promise<{ ask(port: number, msg: string, ms?: number, host?: string): Promise<{ text: string; from: number }>; close(): void }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return {
    ask: (port, msg, ms = 2000, host = '127.0.0.1') =>
      withTimeout(
        new Promise((resolve) => {
          socket.once('message', (reply, rinfo) => resolve({ text: reply.toString(), from: rinfo.port }));
          socket.send(msg, port, host);
        }),
        ms,
        `udp reply from ${host}:${port}`,
      ),
    close: () => socket.close(),
  };
}

