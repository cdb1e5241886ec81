/** Failures of the controller manager itself, with stable codes. API failures stay ApiError from @skiff/client. */
export type ControllerErrorCode =
  /** Options or flags that cannot work together, or values out of range. */
  | 'BadOptions'
  /** Informer caches did not fill within the allowed time. */
  | 'NotSynced'
  /** An object's spec cannot be acted on (an unparsable selector or schedule): reported as an event, not retried fast. */
  | 'InvalidSpec'
  /** More than one sync wrote at once and the server refused one (409); the key is retried. */
  | 'Conflict';

export class ControllerError extends Error {
  readonly code: ControllerErrorCode;

  constructor(code: ControllerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControllerError';
    this.code = code;
  }
}
