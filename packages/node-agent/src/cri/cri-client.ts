import { isAbsolute, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { NodeAgentError } from '../errors.js';
import type { ContainerEventResponse } from './cri-messages.js';
import { criServices } from './cri-proto.js';
import {
  imageServiceMethods,
  rpcName,
  runtimeServiceMethods,
  type CriMethods,
  type CriMethodName,
} from './cri-services.js';
import type { PartialMessage } from './cri-types.js';

export interface CriCallOptions {
  /** Milliseconds before the call fails with DEADLINE_EXCEEDED; defaults to the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** One promise-returning method per CRI RPC (RuntimeService and ImageService together; no name is shared). */
export type CriUnaryMethods = {
  [K in CriMethodName]: (
    request?: PartialMessage<CriMethods[K][0]>,
    options?: CriCallOptions,
  ) => Promise<CriMethods[K][1]>;
};

export interface CriClient extends CriUnaryMethods {
  readonly socketPath: string;
  /**
   * GetContainerEvents as an async iterable; ends when `signal` aborts or the stream closes. The runtime only sends
   * events that happen after the call.
   */
  containerEvents(signal?: AbortSignal): AsyncIterable<ContainerEventResponse>;
  /** Resolves once the socket accepts connections, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface CriClientOptions {
  /** Default per-call deadline; the kubelet's --runtime-request-timeout defaults to 2 minutes. */
  timeoutMs?: number;
  /** Largest message accepted either way (kubelet uses 16 MiB, enough for ExecSync's capped output). */
  maxMessageBytes?: number;
}

/**
 * A typed client for any CRI runtime.v1 endpoint on a unix socket: Skiff's own runtime (`skiff-cri`) or a third-party
 * one such as containerd. gRPC failures become NodeAgentError: `CriUnavailable` when nothing answers on the socket,
 * otherwise `CriCallFailed` carrying the remote gRPC status in `grpcCode`.
 */
export function createCriClient(socketPath: string, options: CriClientOptions = {}): CriClient {
  const path = isAbsolute(socketPath) ? socketPath : resolve(socketPath);
  const maxBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
  const defaultTimeout = options.timeoutMs ?? 120_000;
  const services = criServices();
  const channelOptions: grpc.ClientOptions = {
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
  };
  const runtime = new services.RuntimeService(`unix://${path}`, grpc.credentials.createInsecure(), channelOptions);
  const image = new services.ImageService(`unix://${path}`, grpc.credentials.createInsecure(), {
    ...channelOptions,
    channelOverride: runtime.getChannel(),
  });

  const call = (target: grpc.Client, method: string) => {
    const rpc = rpcName(method);
    const fn = (target as unknown as Record<string, Function>)[rpc];
    return (request: unknown = {}, callOptions: CriCallOptions = {}) =>
      new Promise((resolvePromise, reject) => {
        const deadline = new Date(Date.now() + (callOptions.timeoutMs ?? defaultTimeout));
        fn.call(target, request, { deadline }, (err: grpc.ServiceError | null, response: unknown) => {
          if (err) reject(toNodeAgentError(err, rpc, path));
          else resolvePromise(response);
        });
      });
  };

  const client: Record<string, unknown> = { socketPath: path };
  for (const m of runtimeServiceMethods) client[m] = call(runtime, m);
  for (const m of imageServiceMethods) client[m] = call(image, m);

  client.containerEvents = (signal?: AbortSignal) => eventStream(runtime, path, signal);
  client.waitForReady = (timeoutMs = 10_000) =>
    new Promise<void>((resolvePromise, reject) => {
      runtime.waitForReady(new Date(Date.now() + timeoutMs), (err) => {
        if (err) reject(new NodeAgentError('CriUnavailable', `CRI runtime at ${path} did not accept connections within ${timeoutMs} ms: is it running?`, { cause: err }));
        else resolvePromise();
      });
    });
  client.close = () => {
    image.close();
    runtime.close();
  };
  return client as unknown as CriClient;
}

async function* eventStream(
  runtime: grpc.Client,
  path: string,
  signal?: AbortSignal,
): AsyncGenerator<ContainerEventResponse> {
  const stream = (runtime as unknown as Record<string, Function>).GetContainerEvents.call(runtime, {}) as grpc.ClientReadableStream<ContainerEventResponse>;
  const onAbort = () => stream.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const event of stream) yield event as ContainerEventResponse;
  } catch (err) {
    const e = err as grpc.ServiceError;
    if (e.code !== grpc.status.CANCELLED) throw toNodeAgentError(e, 'GetContainerEvents', path);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.cancel();
  }
}

function toNodeAgentError(err: grpc.ServiceError, rpc: string, path: string): NodeAgentError {
  if (err.code === grpc.status.UNAVAILABLE) {
    return new NodeAgentError('CriUnavailable', `${rpc}: CRI runtime at ${path} is unavailable (${err.details}): is it running?`, {
      cause: err,
      grpcCode: err.code,
    });
  }
  return new NodeAgentError('CriCallFailed', `${rpc}: ${err.details || err.message}`, { cause: err, grpcCode: err.code });
}
