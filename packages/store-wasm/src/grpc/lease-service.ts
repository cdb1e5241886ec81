import { status, type ServerDuplexStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { StoreError, isStoreError } from '../errors.js';
import { ApiError, statusOf } from './grpc-errors.js';
import { int64ToNumber, leaseIdFromWire } from './int64.js';
import { FOREIGN_LEASE } from './kv-codec.js';
import { headerOf } from './response-header.js';
import { currentRevision, unary, type ServiceContext } from './service-context.js';
import type {
  Int64,
  WireLeaseGrantRequest,
  WireLeaseGrantResponse,
  WireLeaseIdRequest,
  WireLeaseKeepAliveResponse,
  WireLeaseLeasesResponse,
  WireLeaseTimeToLiveRequest,
  WireLeaseTimeToLiveResponse,
} from './wire.js';

/** Live keep-alive streams, so the server can end them when it closes. */
export type StreamRegistry = Set<{ end(): void }>;

/**
 * etcdserverpb.Lease over a Store. Lease ids the store cannot hold (2^53 and above) name no lease here: revoke says
 * "requested lease not found", time-to-live says -1 and keep-alive answers TTL 0, as etcd does for unknown leases.
 */
export function leaseService(ctx: ServiceContext, streams: StreamRegistry): UntypedServiceImplementation {
  const { store } = ctx;
  const header = () => headerOf(ctx.identity, currentRevision(store));

  /** Looks a lease up for revoke: an id the store cannot hold is simply not found. */
  const knownLease = (v: Int64 | undefined): number => {
    const id = leaseIdFromWire(v);
    if (id === undefined || id === 0) throw new StoreError('LeaseNotFound');
    return id;
  };

  return {
    LeaseGrant: unary<WireLeaseGrantRequest, WireLeaseGrantResponse>(ctx, 'LeaseGrant', async (req) => {
      const id = leaseIdFromWire(req.ID);
      if (id === undefined || id === FOREIGN_LEASE) {
        throw new ApiError(status.INVALID_ARGUMENT, `etcdserver: skiff-store holds lease ids below 2^53 - 1; ${String(req.ID)} is not one`);
      }
      const res = await store.leaseGrant(int64ToNumber(req.TTL), id);
      return { header: header(), ID: res.id, TTL: res.ttl, error: '' };
    }),

    LeaseRevoke: unary<WireLeaseIdRequest, { header: object }>(ctx, 'LeaseRevoke', async (req) => {
      const res = await store.leaseRevoke(knownLease(req.ID));
      return { header: headerOf(ctx.identity, res.revision) };
    }),

    LeaseTimeToLive: unary<WireLeaseTimeToLiveRequest, WireLeaseTimeToLiveResponse>(ctx, 'LeaseTimeToLive', async (req) => {
      const id = leaseIdFromWire(req.ID);
      if (id === undefined || id === 0) return { header: header(), ID: req.ID ?? 0, TTL: -1, grantedTTL: 0, keys: [] };
      const res = await store.leaseTimeToLive(id, req.keys === true);
      return { header: header(), ID: req.ID ?? 0, TTL: res.ttl, grantedTTL: res.grantedTtl, keys: res.keys };
    }),

    LeaseLeases: unary<object, WireLeaseLeasesResponse>(ctx, 'LeaseLeases', async () => ({
      header: header(),
      leases: (await store.leases()).map((id) => ({ ID: id })),
    })),

    LeaseKeepAlive: (call: ServerDuplexStream<WireLeaseIdRequest, WireLeaseKeepAliveResponse>) => {
      const handle = { end: () => call.end() };
      streams.add(handle);
      // Answers go out in request order: each renewal waits for the one before it.
      let chain: Promise<void> = Promise.resolve();
      let ended = false;
      const finish = (): void => {
        streams.delete(handle);
        ended = true;
      };
      call.on('data', (req: WireLeaseIdRequest) => {
        chain = chain.then(async () => {
          if (ended) return;
          const id = leaseIdFromWire(req.ID);
          let ttl = 0;
          if (id !== undefined && id !== 0) {
            try {
              ttl = await store.leaseKeepAlive(id);
            } catch (e) {
              if (!isStoreError(e, 'LeaseNotFound')) {
                ended = true;
                call.emit('error', statusOf(e));
                return;
              }
            }
          }
          if (!ended) call.write({ header: header(), ID: req.ID ?? 0, TTL: ttl });
        });
      });
      call.on('end', () => {
        chain.then(() => {
          finish();
          call.end();
        });
      });
      call.on('error', finish);
      call.on('cancelled', finish);
    },
  };
}
