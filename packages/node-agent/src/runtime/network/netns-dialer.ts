import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeAgentError } from '../../errors.js';
import type { PodDialer } from '../backend.js';

/**
 * Port-forward needs connections to `localhost:<port>` as the pod sees it, i.e. from inside the pod's network
 * namespace, and Node cannot enter a namespace. So a small helper, Node itself run under
 * `nsenter --net=<pod netns>`, listens on a unix socket (unix sockets are not per network namespace) and, for each
 * connection, reads a line `<port>\n`, connects to 127.0.0.1:<port> in the pod, answers `OK\n` or `ERR <reason>\n`
 * and then relays bytes both ways, half-closes included. One helper serves one port-forward session.
 */
const HELPER = `
const net = require('net');
const path = process.argv[1];
try { require('fs').unlinkSync(path); } catch {}
const server = net.createServer({ allowHalfOpen: true }, (client) => {
  let head = Buffer.alloc(0);
  client.on('error', () => {});
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(10);
    if (nl < 0) { if (head.length > 16) client.destroy(); return; }
    client.off('data', onData);
    client.pause();
    const port = Number(head.subarray(0, nl).toString());
    const rest = head.subarray(nl + 1);
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    upstream.once('error', (e) => { client.end('ERR ' + e.message.replace(/\\n/g, ' ') + '\\n'); });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.write('OK\\n');
      if (rest.length) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  };
  client.on('data', onData);
});
server.listen(path, () => process.stdout.write('ready\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

export class NetnsDialer implements PodDialer {
  private helper: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly socketPath = join(tmpdir(), `skiff-pf-${randomBytes(6).toString('hex')}.sock`);

  constructor(private readonly netnsPath: string) {}

  private start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      // stdin stays a pipe from us: the helper exits when it closes, so it never outlives this process
      const helper = spawn('nsenter', [`--net=${this.netnsPath}`, process.execPath, '-e', HELPER, this.socketPath], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.helper = helper;
      let stderr = '';
      helper.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      helper.stdout?.once('data', () => resolve());
      helper.once('exit', (code) => reject(new NodeAgentError('Internal', `port-forward helper in ${this.netnsPath} exited (${code}): ${stderr.trim()}`)));
      helper.once('error', (err) => reject(new NodeAgentError('Internal', `starting the port-forward helper failed: ${err.message}`, { cause: err })));
    });
    return this.ready;
  }

  async dial(port: number): Promise<Socket> {
    await this.start();
    const socket = connect({ path: this.socketPath, allowHalfOpen: true });
    return new Promise<Socket>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const fail = (message: string) => {
        socket.destroy();
        reject(new NodeAgentError('ContainerNotRunning', `connecting to port ${port} in the pod failed: ${message}`));
      };
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const nl = head.indexOf(0x0a);
        if (nl < 0) return;
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('end', onEnd);
        const line = head.subarray(0, nl).toString();
        if (line !== 'OK') return fail(line.replace(/^ERR /, ''));
        socket.pause();
        const rest = head.subarray(nl + 1);
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      };
      const onError = (err: Error) => fail(err.message);
      const onEnd = () => fail('the helper closed the connection');
      socket.on('data', onData);
      socket.once('error', onError);
      socket.once('end', onEnd);
      socket.once('connect', () => socket.write(`${port}\n`));
    });
  }

  close(): void {
    this.helper?.stdin?.end();
    this.helper?.kill();
    rmSync(this.socketPath, { force: true });
  }
}
