import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { ApiError } from './grpc-errors.js';
import { headerOf } from './response-header.js';
import { currentRevision, unary, type ServiceContext } from './service-context.js';
import type { WireAlarmRequest, WireAlarmResponse, WireStatusResponse } from './wire.js';

/**
 * The etcd API level skiff-store implements, reported as the server version with "+skiff" build metadata, so tools
 * that compare versions see 3.4 and people see what they are talking to.
 */
export const SERVED_VERSION = '3.4.0+skiff';

/**
 * etcdserverpb.Maintenance: Status (what `etcdctl endpoint status` shows) and Alarm listing. skiff-store has no
 * raft, so it reports itself as its own leader, with the raft index and applied index both being the number of
 * writes it has logged.
 */
export function maintenanceService(ctx: ServiceContext): UntypedServiceImplementation {
  const { store } = ctx;
  return {
    Status: unary<object, WireStatusResponse>(ctx, 'Status', async () => {
      const s = store.localStatus();
      return {
        header: headerOf(ctx.identity, s.revision),
        version: SERVED_VERSION,
        dbSize: s.dbSize,
        leader: ctx.identity.memberId,
        raftIndex: s.appliedIndex,
        raftTerm: ctx.identity.raftTerm,
        raftAppliedIndex: s.appliedIndex,
        errors: [],
        dbSizeInUse: s.dbSizeInUse,
        isLearner: false,
      };
    }),

    Alarm: unary<WireAlarmRequest, WireAlarmResponse>(ctx, 'Alarm', async (req) => {
      if ((req.action ?? 'GET') !== 'GET') {
        throw new ApiError(status.UNIMPLEMENTED, 'skiff-store: alarms cannot be raised or cleared by hand; only listing is supported');
      }
      // The store refuses writes itself when it is out of space (NoSpace) instead of raising a cluster alarm.
      return { header: headerOf(ctx.identity, currentRevision(store)), alarms: [] };
    }),
  };
}
