// Status codes the exports return (negative; an f64-returning export returns a revision, >= 0, on success).
// src/wasm-codec.ts maps them to StoreError codes; keep the two lists in step.

export const OK: i32 = 0;
export const COMPACTED: i32 = -1;
export const FUTURE_REV: i32 = -2;
export const KEY_NOT_FOUND: i32 = -3;
export const LEASE_NOT_FOUND: i32 = -4;
export const NO_SPACE: i32 = -5;
export const CORRUPT: i32 = -6;

// Request flags, shared by put, range and deleteRange calls.
export const F_PREV_KV: u32 = 1;
export const F_IGNORE_VALUE: u32 = 2;
export const F_IGNORE_LEASE: u32 = 4;
export const F_LEASE_MISSING: u32 = 8;
export const F_KEYS_ONLY: u32 = 16;
export const F_COUNT_ONLY: u32 = 32;
