// Status codes returned by the exports. Non-negative results are backend slots. src/status.ts holds the same
// numbers for the TypeScript side; src/wasm.ts maps the negative ones to values or typed errors.

/** Expected outcome: the service has no backend that may take a new flow. */
export const NO_BACKEND: i32 = -1;
/** Expected outcome: the connection table holds its maximum number of entries. */
export const TABLE_FULL: i32 = -2;
export const OK: i32 = 0;
export const UNKNOWN_SERVICE: i32 = -10;
export const UNKNOWN_BACKEND: i32 = -11;
export const INVALID_ARGUMENT: i32 = -12;
export const LIMIT_REACHED: i32 = -13;

export const SCHED_RR: i32 = 0;
export const SCHED_WRR: i32 = 1;
export const SCHED_LC: i32 = 2;
export const SCHED_WLC: i32 = 3;
export const SCHED_SH: i32 = 4;
export const SCHED_DH: i32 = 5;
export const SCHED_MH: i32 = 6;

export const PROTO_TCP: i32 = 0;
export const PROTO_UDP: i32 = 1;
