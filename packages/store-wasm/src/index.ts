export type * from './kv.js';
export type * from './engine.js';
export type * from './store.js';
export { StoreError, isStoreError, type StoreErrorCode, type StoreErrorDetails } from './errors.js';
export { compareBytes, bytesEqual, inRange, prefixEnd, isOpenEnded, isSingleKey, utf8, fromUtf8 } from './key-range.js';
export { createEngine } from './engine-factory.js';
export { createStore } from './create-store.js';
export { MIN_LEASE_TTL, MAX_LEASE_TTL } from './lessor.js';
export { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS } from './validate-request.js';
