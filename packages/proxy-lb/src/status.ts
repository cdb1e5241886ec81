// The numbers assembly/status.ts returns, for the TypeScript side. Both engines use them, so a result from
// either engine means the same thing.

/** Expected outcome: no backend may take a new flow (none ready, all draining, all excluded). */
export const NO_BACKEND = -1;
/** Expected outcome: the connection table is at its maximum; the flow is not tracked and gets no backend. */
export const TABLE_FULL = -2;

export const OK = 0;
export const UNKNOWN_SERVICE = -10;
export const UNKNOWN_BACKEND = -11;
export const INVALID_ARGUMENT = -12;
export const LIMIT_REACHED = -13;

export const schedulerCodes = { rr: 0, wrr: 1, lc: 2, wlc: 3, sh: 4, dh: 5, mh: 6 } as const;
export const SCHED_RR = 0;
export const SCHED_WRR = 1;
export const SCHED_LC = 2;
export const SCHED_WLC = 3;
export const SCHED_SH = 4;
export const SCHED_DH = 5;
export const SCHED_MH = 6;

export const PROTO_TCP = 0;
export const PROTO_UDP = 1;

/** Batch calls take at most this many flows per engine call; larger batches are split. */
export const BATCH_CAPACITY = 4096;
/** At most this many backends can be excluded from one pick or lookup. */
export const EXCLUDE_CAPACITY = 64;
/** Counters stay below 2^24 so wlc's products (counts x 256 x weight) stay exact in a double. */
export const MAX_FLOWS_LIMIT = 1 << 24;
