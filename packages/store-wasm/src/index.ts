export type * from './kv.js';
export type * from './engine.js';
export type * from './store.js';
export { StoreError, isStoreError, type StoreErrorCode, type StoreErrorDetails } from './errors.js';
export { compareBytes, bytesEqual, inRange, prefixEnd, isOpenEnded, isSingleKey, utf8, fromUtf8 } from './key-range.js';
export { createEngine } from './engine-factory.js';
