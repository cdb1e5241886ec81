import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { LocalStore, StoreLogger } from '../store.js';
import { toGrpcError } from './grpc-errors.js';
import type { MemberIdentity } from './response-header.js';

/** etcd lets a gRPC message exceed --max-request-bytes by this much; its watch fragments use the same bound. */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** What every service handler needs: the store it serves and who it answers as. */
export interface ServiceContext {
  /** The server serves the store of its own process: headers need its revision synchronously. */
  store: LocalStore;
  identity: MemberIdentity;
  logger: StoreLogger;
  /** The store's request size limit; with GRPC_OVERHEAD_BYTES it bounds messages and watch fragments. */
  maxRequestBytes: number;
}

/** The store's current revision, from the engine (one call) rather than status(), which also gathers statistics. */
export function currentRevision(store: LocalStore): number {
  return store.engine.currentRevision();
}

/**
 * Adapts an async handler to grpc-js. Every failure becomes a gRPC status (never an exception out of a handler, so
 * no bad request can take the server down); expected ones are logged at debug, bugs at error.
 */
export function unary<Req, Res>(
  ctx: ServiceContext,
  method: string,
  fn: (req: Req) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    let pending: Promise<Res>;
    try {
      pending = fn(call.request);
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (res) => callback(null, res),
      (err: unknown) => {
        const { error, internal } = toGrpcError(err);
        if (internal) ctx.logger.error({ err, method }, 'request failed unexpectedly');
        else ctx.logger.debug({ method, code: error.code, details: error.details, err: (err as Error)?.message }, 'request refused');
        callback(error);
      },
    );
  };
}
