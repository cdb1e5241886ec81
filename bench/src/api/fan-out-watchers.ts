/**
 * The watching side of the fan-out benchmark, in its own process (forked by fan-out.ts) so that reading a
 * thousand streams does not compete with the writer for one event loop.
 *
 * It is deliberately cheap per byte: plain TCP sockets, no HTTP or JSON parsing. Every change the writer makes
 * carries the monotonic time it was sent in the annotation `"bench-sent":"<ms>"`; each stream is scanned for that
 * marker with Buffer.indexOf, and one delivery is counted per marker. The chunked framing never splits an event
 * (the server writes whole events per chunk), so the marker is only ever split by TCP, which the carried tail
 * handles.
 *
 * Messages: parent -> child { stop: true }; child -> parent { ready: true } once every watch answered 200, then
 * one FanOutReport when every delivery arrived or on stop.
 */
import net from 'node:net';

export interface FanOutReport {
  received: number;
  /** Streams on which every expected delivery arrived. */
  complete: number;
  /** Streams the server ended or reset before the run was over. */
  closedEarly: number;
  p50: number;
  p99: number;
  max: number;
  /** Monotonic time (ms, process.hrtime) of the last delivery, 0 if none. */
  lastAtMs: number;
  /** CPU seconds (user + system) this watching process used: it must not be the bottleneck. */
  cpuSeconds: number;
  /**
   * Fan-out spread (ms): how long after the first watcher read a change each other watcher read it. Independent
   * of the write's own latency and of clocks: what the fan-out itself adds.
   */
  spreadP50: number;
  spreadP99: number;
}

export interface FanOutArgs {
  port: number;
  path: string;
  watchers: number;
  /** Deliveries each watcher should see (the number of changes). */
  perWatcher: number;
}

const MARKER = Buffer.from('"bench-sent":"');
const QUOTE = 0x22;
/** Latency histogram: 0.1 ms buckets up to 200 s; exact enough for p50/p99 and needs no sort of 10M values. */
const BUCKET_MS = 0.1;
const BUCKETS = 2_000_000;

/** Room before the read buffer for a cut marker: longer than the marker plus its value. */
const HEADROOM = 64;
const READ_BYTES = 256 * 1024;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function run(args: FanOutArgs): void {
  const hist = new Uint32Array(BUCKETS + 1);
  const spreadHist = new Uint32Array(BUCKETS + 1);
  /** When the first watcher read each change, by its stamp. */
  const firstRead = new Map<string, number>();
  let maxMs = 0;
  let lastAtMs = 0;
  let received = 0;
  let complete = 0;
  let closedEarly = 0;
  let ready = 0;
  let reported = false;
  const expected = args.watchers * args.perWatcher;
  const sockets: net.Socket[] = [];

  const report = () => {
    if (reported) return;
    reported = true;
    const pct = (p: number, h = hist) => {
      const want = Math.max(1, Math.ceil(received * p));
      let seen = 0;
      for (let i = 0; i <= BUCKETS; i++) {
        seen += h[i]!;
        if (seen >= want) return (i + 1) * BUCKET_MS;
      }
      return NaN;
    };
    const cpu = process.cpuUsage();
    const out: FanOutReport = { received, complete, closedEarly, p50: received ? pct(0.5) : NaN, p99: received ? pct(0.99) : NaN, max: maxMs, lastAtMs, cpuSeconds: (cpu.user + cpu.system) / 1e6, spreadP50: received ? pct(0.5, spreadHist) : NaN, spreadP99: received ? pct(0.99, spreadHist) : NaN };
    for (const s of sockets) s.destroy();
    process.send!(out, () => process.exit(0));
  };

  // One read buffer for every socket (callbacks run one at a time), with headroom in front: the few bytes of a
  // marker cut by a read boundary are copied there, so marker and value are contiguous without concatenating.
  const scratch = Buffer.allocUnsafe(HEADROOM + READ_BYTES);
  const readInto = scratch.subarray(HEADROOM);

  for (let w = 0; w < args.watchers; w++) {
    let headers = '';
    let mine = 0;
    let carry: Buffer | undefined;
    const onRead = (nread: number): boolean => {
      const now = nowMs();
      let start = HEADROOM;
      if (carry) {
        start -= carry.length;
        carry.copy(scratch, start);
        carry = undefined;
      }
      const end = HEADROOM + nread;
      if (headers !== 'done') {
        headers += scratch.toString('latin1', start, end);
        const at = headers.indexOf('\r\n\r\n');
        if (at < 0) return true;
        if (!headers.startsWith('HTTP/1.1 200')) throw new Error(`watch answered ${headers.slice(0, 40)}`);
        start = end - (headers.length - at - 4);
        headers = 'done';
        if (++ready === args.watchers) process.send!({ ready: true });
      }
      const buf = scratch.subarray(0, end);
      let at = start;
      // Where a marker cut by the end of this read starts (end: none).
      let cutAt = end;
      for (;;) {
        const i = buf.indexOf(MARKER, at);
        if (i < 0) break;
        const q = buf.indexOf(QUOTE, i + MARKER.length);
        if (q < 0) {
          cutAt = i;
          break;
        }
        const stamp = buf.toString('latin1', i + MARKER.length, q);
        const ms = now - Number(stamp);
        hist[Math.min(BUCKETS, Math.max(0, Math.floor(ms / BUCKET_MS)))]!++;
        const first = firstRead.get(stamp);
        if (first === undefined) firstRead.set(stamp, now);
        spreadHist[Math.min(BUCKETS, Math.floor((first === undefined ? 0 : now - first) / BUCKET_MS))]!++;
        if (ms > maxMs) maxMs = ms;
        lastAtMs = now;
        received++;
        at = q + 1;
        if (++mine === args.perWatcher) complete++;
      }
      if (cutAt === end) {
        // The read may end inside a marker: its longest prefix ending the read.
        for (let k = Math.min(MARKER.length - 1, end - at); k > 0; k--) {
          if (buf.compare(MARKER, 0, k, end - k, end) === 0) {
            cutAt = end - k;
            break;
          }
        }
      }
      if (cutAt < end) carry = Buffer.from(buf.subarray(cutAt, end));
      if (received >= expected) report();
      return true;
    };
    const sock = net.connect({ host: '127.0.0.1', port: args.port, onread: { buffer: readInto, callback: onRead } });
    sockets.push(sock);
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(`GET ${args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n`));
    sock.on('close', () => {
      if (!reported && mine < args.perWatcher) closedEarly++;
    });
    sock.on('error', () => {});
  }
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop) report();
  });
}

run(JSON.parse(process.argv[2]!) as FanOutArgs);
