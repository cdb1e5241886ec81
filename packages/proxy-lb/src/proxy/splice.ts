// Joins two TCP sockets: bytes flow both ways with backpressure (a side that cannot keep up pauses the other),
// a FIN on one side becomes a FIN on the other (half-close), and a reset or error on one side resets the other.
import type { Socket } from 'node:net';

export interface SpliceStats {
  /** Bytes from the first socket to the second, and back. */
  forward: number;
  backward: number;
}

function pump(src: Socket, dst: Socket, count: (n: number) => void): void {
  src.on('data', (chunk: Buffer) => {
    count(chunk.length);
    if (!dst.write(chunk)) src.pause();
  });
  dst.on('drain', () => src.resume());
  src.on('end', () => dst.end());
}

/**
 * Splices `a` and `b`, both connected, with allowHalfOpen. Calls `onClose` once, after both have closed.
 * Sockets paused on connect are resumed here.
 */
export function splice(a: Socket, b: Socket, onClose: (stats: SpliceStats) => void): void {
  const stats: SpliceStats = { forward: 0, backward: 0 };
  pump(a, b, (n) => (stats.forward += n));
  pump(b, a, (n) => (stats.backward += n));
  let open = 2;
  const onSideClosed = (self: Socket, other: Socket) => (hadError: boolean) => {
    // A clean close means both directions finished, and the other side is closing by itself. Anything else
    // (an error, a destroy) must not leave the other side half-alive.
    const clean = !hadError && self.readableEnded && self.writableFinished;
    if (!clean && !other.destroyed) {
      if (hadError) other.resetAndDestroy();
      else other.destroy();
    }
    if (--open === 0) onClose(stats);
  };
  // Errors are handled through 'close' (hadError); the listeners only keep them from being thrown.
  a.on('error', () => {});
  b.on('error', () => {});
  a.once('close', onSideClosed(a, b));
  b.once('close', onSideClosed(b, a));
  a.resume();
  b.resume();
}
