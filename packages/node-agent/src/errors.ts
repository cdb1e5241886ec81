import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Every expected failure of the node agent, with a stable code. Messages say what went wrong and what to do about
 * it; `grpcStatusOf` decides which gRPC status a CRI caller sees, which matters: the kubelet treats NotFound from
 * ContainerStatus as "gone" and DeadlineExceeded from ExecSync as a probe timeout.
 */
export type NodeAgentErrorCode =
  | 'InvalidArgument'
  | 'SandboxNotFound'
  | 'ContainerNotFound'
  | 'ImageNotFound'
  | 'ImageNotPresent'
  | 'ImageInUse'
  | 'InvalidReference'
  | 'InvalidImageArchive'
  | 'UnsupportedMediaType'
  | 'DigestMismatch'
  | 'NameReserved'
  | 'SandboxNotReady'
  | 'ContainerNotRunning'
  | 'ContainerNotCreated'
  | 'ExecTimeout'
  | 'RuntimeUnavailable'
  | 'NetworkSetupFailed'
  | 'MountFailed'
  | 'RuncFailed'
  | 'StartFailed'
  | 'Unsupported'
  | 'CriUnavailable'
  | 'CriCallFailed'
  | 'Closed'
  | 'Internal'
  // the kubelet's (src/kubelet): they never cross the CRI, so their gRPC statuses only keep the table total
  | 'ContainerConfigInvalid'
  | 'VolumeSetupFailed'
  | 'HookFailed'
  | 'ApiRequestFailed'
  | 'StreamRefused';

const grpcCodes: Record<NodeAgentErrorCode, GrpcStatus> = {
  InvalidArgument: GrpcStatus.INVALID_ARGUMENT,
  SandboxNotFound: GrpcStatus.NOT_FOUND,
  ContainerNotFound: GrpcStatus.NOT_FOUND,
  ImageNotFound: GrpcStatus.NOT_FOUND,
  ImageNotPresent: GrpcStatus.NOT_FOUND,
  ImageInUse: GrpcStatus.FAILED_PRECONDITION,
  InvalidReference: GrpcStatus.INVALID_ARGUMENT,
  InvalidImageArchive: GrpcStatus.INVALID_ARGUMENT,
  UnsupportedMediaType: GrpcStatus.INVALID_ARGUMENT,
  DigestMismatch: GrpcStatus.DATA_LOSS,
  NameReserved: GrpcStatus.ALREADY_EXISTS,
  SandboxNotReady: GrpcStatus.FAILED_PRECONDITION,
  ContainerNotRunning: GrpcStatus.FAILED_PRECONDITION,
  ContainerNotCreated: GrpcStatus.FAILED_PRECONDITION,
  ExecTimeout: GrpcStatus.DEADLINE_EXCEEDED,
  RuntimeUnavailable: GrpcStatus.UNAVAILABLE,
  NetworkSetupFailed: GrpcStatus.UNKNOWN,
  MountFailed: GrpcStatus.UNKNOWN,
  RuncFailed: GrpcStatus.UNKNOWN,
  StartFailed: GrpcStatus.UNKNOWN,
  Unsupported: GrpcStatus.UNIMPLEMENTED,
  CriUnavailable: GrpcStatus.UNAVAILABLE,
  CriCallFailed: GrpcStatus.UNKNOWN,
  Closed: GrpcStatus.UNAVAILABLE,
  Internal: GrpcStatus.INTERNAL,
  ContainerConfigInvalid: GrpcStatus.INVALID_ARGUMENT,
  VolumeSetupFailed: GrpcStatus.UNKNOWN,
  HookFailed: GrpcStatus.UNKNOWN,
  ApiRequestFailed: GrpcStatus.UNAVAILABLE,
  StreamRefused: GrpcStatus.FAILED_PRECONDITION,
};

export class NodeAgentError extends Error {
  readonly code: NodeAgentErrorCode;
  /** For CriCallFailed: the gRPC status the remote runtime answered with. */
  readonly grpcCode?: GrpcStatus;

  constructor(code: NodeAgentErrorCode, message: string, options: { cause?: unknown; grpcCode?: GrpcStatus } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NodeAgentError';
    this.code = code;
    if (options.grpcCode !== undefined) this.grpcCode = options.grpcCode;
  }
}

export function isNodeAgentError(err: unknown, code?: NodeAgentErrorCode): err is NodeAgentError {
  return err instanceof NodeAgentError && (code === undefined || err.code === code);
}

/** The gRPC status a CRI caller should see for an error thrown by the runtime. */
export function grpcStatusOf(err: unknown): GrpcStatus {
  if (err instanceof NodeAgentError) return err.grpcCode ?? grpcCodes[err.code];
  return GrpcStatus.UNKNOWN;
}

export function notFound(kind: 'sandbox' | 'container', id: string): NodeAgentError {
  return kind === 'sandbox'
    ? new NodeAgentError('SandboxNotFound', `pod sandbox "${id}" not found`)
    : new NodeAgentError('ContainerNotFound', `container "${id}" not found`);
}

export function invalid(message: string): NodeAgentError {
  return new NodeAgentError('InvalidArgument', message);
}
