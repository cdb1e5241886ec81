/**
 * Every failure the scheduler package reports, with a stable code. Expected scheduling outcomes (a pod that fits
 * nowhere) are values, not errors; these are for bad input (configuration, pod and node specs) and broken
 * invariants.
 */
export type SchedulerErrorCode =
  | 'InvalidConfig'
  | 'UnknownPlugin'
  | 'UnknownProfile'
  | 'InvalidPod'
  | 'InvalidNode'
  | 'InvalidQuantity'
  | 'TooManyResources'
  | 'TooManyConstraints'
  | 'NodeNotFound'
  | 'PodNotFound'
  | 'PodExists'
  | 'EngineUnavailable'
  | 'CoreFailure'
  | 'InvalidFlag'
  | 'ConfigFile';

const summaries: Record<SchedulerErrorCode, string> = {
  InvalidConfig: 'invalid scheduler configuration',
  UnknownPlugin: 'unknown plugin',
  UnknownProfile: 'no profile for scheduler name',
  InvalidPod: 'invalid pod',
  InvalidNode: 'invalid node',
  InvalidQuantity: 'invalid quantity',
  TooManyResources: 'too many resource names',
  TooManyConstraints: 'too many constraints',
  NodeNotFound: 'node not found',
  PodNotFound: 'pod not found',
  PodExists: 'pod already exists',
  EngineUnavailable: 'scheduling engine unavailable',
  CoreFailure: 'scheduling core failed',
  InvalidFlag: 'invalid flag',
  ConfigFile: 'cannot load the configuration file',
};

export interface SchedulerErrorDetails {
  /** The offending field, as a path such as `profiles[0].pluginConfig[1].args.scoringStrategy.type`. */
  field?: string;
  /** The pod or node the error is about, as namespace/name or name. */
  object?: string;
}

export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode;
  readonly details: SchedulerErrorDetails;

  constructor(code: SchedulerErrorCode, detail?: string, details: SchedulerErrorDetails = {}) {
    super(detail ? `${summaries[code]}: ${detail}` : summaries[code]);
    this.name = 'SchedulerError';
    this.code = code;
    this.details = details;
  }
}

export function isSchedulerError(err: unknown, code?: SchedulerErrorCode): err is SchedulerError {
  return err instanceof SchedulerError && (code === undefined || err.code === code);
}

/** Shorthands for the two most common bad-input errors, carrying the field path. */
export function invalidPod(object: string, field: string, detail: string): SchedulerError {
  return new SchedulerError('InvalidPod', `${object}: ${field}: ${detail}`, { field, object });
}

export function invalidConfig(field: string, detail: string): SchedulerError {
  return new SchedulerError('InvalidConfig', `${field}: ${detail}`, { field });
}
