import { WebSocket } from 'ws';

/**
 * A minimal client for the Kubernetes WebSocket channel protocol, as kubectl speaks it against the streaming server.
 */
export interface ChannelSessionResult {
  stdout: string;
  stderr: string;
  /** The metav1.Status sent on channel 3, parsed. */
  status?: { status: string; message?: string; details?: { causes?: { reason: string; message: string }[] } };
  closeCode: number;
}

export interface OpenChannels {
  ws: WebSocket;
  /** Every frame received so far, including those that arrived with the upgrade response. */
  frames: Buffer[];
  closed: Promise<number>;
}

export function openChannels(url: string, protocol = 'v5.channel.k8s.io'): Promise<OpenChannels> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), [protocol]);
  const frames: Buffer[] = [];
  ws.on('message', (data: Buffer) => frames.push(data));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

/** Runs one session: sends `stdin` (then closes it, v5) and collects everything until the server closes. */
export async function channelSession(url: string, stdin?: string, protocol = 'v5.channel.k8s.io'): Promise<ChannelSessionResult> {
  const { ws, frames, closed } = await openChannels(url, protocol);
  if (stdin !== undefined) {
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
    if (protocol.startsWith('v5')) ws.send(Buffer.from([255, 0]));
  }
  const closeCode = await closed;
  const out = { stdout: '', stderr: '' };
  let status: ChannelSessionResult['status'];
  for (const data of frames) {
    const channel = data[0];
    const payload = data.subarray(1).toString('utf8');
    if (channel === 1) out.stdout += payload;
    else if (channel === 2) out.stderr += payload;
    else if (channel === 3 && payload) status = JSON.parse(payload);
  }
  return { ...out, status, closeCode };
}
