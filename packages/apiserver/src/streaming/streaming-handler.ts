/**
 * log, exec, attach and portforward of pods, proxied to the node agent that runs the pod. Logs are plain HTTP
 * (log-proxy.ts); the others are upgrades handled on the server's 'upgrade' event (upgrade-proxy.ts), so a
 * request for them that is not an upgrade is refused here.
 */
import { badRequest, methodNotAllowed, type ResourceDefinition } from '@skiff/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../rest/server-context.js';
import { proxyLogs } from './log-proxy.js';

export function createStreamingHandler(ctx: ServerContext) {
  return async (
    req: FastifyRequest,
    reply: FastifyReply,
    _def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    subresource: string,
    q: URLSearchParams,
  ): Promise<FastifyReply | void> => {
    if (subresource === 'log') {
      if (req.method !== 'GET') throw methodNotAllowed();
      return proxyLogs(ctx, reply, namespace!, name, q);
    }
    throw badRequest('Upgrade request required');
  };
}
