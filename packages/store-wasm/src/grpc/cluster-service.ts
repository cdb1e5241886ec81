import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { headerOf } from './response-header.js';
import { currentRevision, unary, type ServiceContext } from './service-context.js';
import type { WireMemberListResponse } from './wire.js';

/** etcdserverpb.Cluster: MemberList, for `etcdctl member list`. skiff-store is always a cluster of one. */
export function clusterService(ctx: ServiceContext): UntypedServiceImplementation {
  const { store } = ctx;
  return {
    MemberList: unary<object, WireMemberListResponse>(ctx, 'MemberList', async () => ({
      header: headerOf(ctx.identity, currentRevision(store)),
      members: [
        {
          ID: ctx.identity.memberId,
          name: ctx.identity.name,
          peerURLs: ctx.identity.peerUrls,
          clientURLs: ctx.identity.clientUrls,
          isLearner: false,
        },
      ],
    })),
  };
}
