/** Every failure of this package with a stable code. Expected outcomes (no backend, table full) are values. */
export type LbErrorCode =
  | 'UnknownService'
  | 'UnknownBackend'
  | 'InvalidArgument'
  | 'LimitReached'
  | 'OutOfMemory'
  | 'WasmUnavailable'
  | 'DuplicateService'
  | 'BindFailed'
  | 'InterfaceFailed'
  | 'KernelRulesFailed'
  | 'Closed';

const messages: Record<LbErrorCode, string> = {
  UnknownService: 'no such virtual service',
  UnknownBackend: 'no such backend',
  InvalidArgument: 'invalid argument',
  LimitReached: 'limit reached',
  OutOfMemory: 'the load-balancing core ran out of memory',
  WasmUnavailable: 'the WebAssembly core could not be loaded',
  DuplicateService: 'a virtual service with this address, port and protocol already exists',
  BindFailed: 'could not listen on the virtual service address',
  InterfaceFailed: 'could not configure the virtual-address interface',
  KernelRulesFailed: 'could not write the kernel (nftables) rules',
  Closed: 'the proxy is closed',
};

export class LbError extends Error {
  readonly code: LbErrorCode;

  constructor(code: LbErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${messages[code]}: ${detail}` : messages[code], options);
    this.name = 'LbError';
    this.code = code;
  }
}

export function isLbError(err: unknown, code?: LbErrorCode): err is LbError {
  return err instanceof LbError && (code === undefined || err.code === code);
}

/** Turns an engine's negative status into the error it stands for (statuses from status.ts). */
export function errorFromStatus(status: number, detail: string): LbError {
  switch (status) {
    case -10:
      return new LbError('UnknownService', detail);
    case -11:
      return new LbError('UnknownBackend', detail);
    case -13:
      return new LbError('LimitReached', detail);
    default:
      return new LbError('InvalidArgument', detail);
  }
}
