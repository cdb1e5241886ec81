/**
 * Nanosecond wall-clock time for CRI timestamps and log lines. Date has millisecond resolution, so the
 * sub-millisecond part comes from the monotonic clock, anchored once at load: timestamps are strictly increasing
 * within the process, which keeps log lines in order.
 */
const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
const anchorMono = process.hrtime.bigint();
let last = 0n;

export function nowNsBig(): bigint {
  let t = anchorWallNs + (process.hrtime.bigint() - anchorMono);
  if (t <= last) t = last + 1n;
  last = t;
  return t;
}

/** Nanoseconds since the epoch as a number (CRI int64 fields; see cri-types.ts on precision). */
export function nowNs(): number {
  return Number(nowNsBig());
}

/**
 * RFC 3339 with nanoseconds and trailing zeros trimmed, as Go's time.RFC3339Nano formats it, which is what kubelet
 * and crictl parse in CRI log files: `2026-11-22T00:21:08.792961393Z`.
 */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}
