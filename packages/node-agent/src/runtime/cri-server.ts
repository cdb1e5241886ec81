import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ContainerEventResponse } from '../cri/cri-messages.js';
import { criServices } from '../cri/cri-proto.js';
import { imageServiceMethods, rpcName, runtimeServiceMethods, type CriHandlers } from '../cri/cri-services.js';
import type { PartialMessage } from '../cri/cri-types.js';
import { NodeAgentError, grpcStatusOf } from '../errors.js';

/**
 * Serves CRI handlers (runtime.v1 RuntimeService and ImageService) over gRPC on a unix socket. Thrown
 * NodeAgentErrors become gRPC statuses through `grpcStatusOf`; anything else is a bug and is logged with its stack.
 */
export interface CriServerOptions {
  socketPath: string;
  handlers: CriHandlers;
  /** Feeds GetContainerEvents: called with a sink, returns the unsubscribe function. */
  subscribeEvents?: (sink: (event: PartialMessage<ContainerEventResponse>) => void) => () => void;
  logger: Logger;
}

export interface CriServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export async function serveCri(options: CriServerOptions): Promise<CriServer> {
  const { logger } = options;
  const services = criServices();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  const unary = (method: string) => {
    const handler = (options.handlers as Record<string, ((request: unknown) => Promise<unknown>) | undefined>)[method];
    if (!handler) return undefined;
    return (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      handler(call.request).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const code = grpcStatusOf(err);
          if (err instanceof NodeAgentError) logger.debug({ rpc: rpcName(method), code: err.code, msg: err.message }, 'CRI call failed');
          else logger.error({ rpc: rpcName(method), err }, 'CRI call failed unexpectedly');
          callback({ code, details: err instanceof Error ? err.message : String(err) }, null);
        },
      );
    };
  };

  const implementation = (methods: readonly string[]) => {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const method of methods) {
      const fn = unary(method);
      if (fn) impl[rpcName(method)] = fn as grpc.handleUnaryCall<unknown, unknown>;
    }
    return impl;
  };

  const runtimeImpl = implementation(runtimeServiceMethods);
  if (options.subscribeEvents) {
    const subscribe = options.subscribeEvents;
    runtimeImpl.GetContainerEvents = ((call: grpc.ServerWritableStream<unknown, unknown>) => {
      const unsubscribe = subscribe((event) => call.write(event));
      const end = () => unsubscribe();
      call.on('cancelled', end);
      call.on('close', end);
      call.on('error', end);
    }) as grpc.handleServerStreamingCall<unknown, unknown>;
  }
  server.addService(services.RuntimeService.service, runtimeImpl);
  server.addService(services.ImageService.service, implementation(imageServiceMethods));

  await mkdir(dirname(options.socketPath), { recursive: true });
  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${options.socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => {
      if (err) reject(new NodeAgentError('Internal', `cannot listen on ${options.socketPath}: ${err.message}`, { cause: err }));
      else resolve();
    });
  });
  await chmod(options.socketPath, 0o660);
  logger.info({ socket: options.socketPath }, 'CRI server listening');

  return {
    socketPath: options.socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }).then(() => rm(options.socketPath, { force: true })),
  };
}
