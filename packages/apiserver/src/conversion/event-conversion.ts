/**
 * events.k8s.io/v1 Event <-> core/v1 Event. The real server keeps one kind of Event in storage and serves both
 * groups from it, so an event a kubelet records through core/v1 is listed by events.k8s.io/v1 clients and the other
 * way round. Fields renamed between the two (the rest, such as reason, type, eventTime, series, action, related and
 * reportingInstance, carry the same name in both):
 *
 *   events.k8s.io/v1           core/v1
 *   regarding                  involvedObject
 *   note                       message
 *   reportingController        reportingComponent
 *   deprecatedSource           source
 *   deprecatedFirstTimestamp   firstTimestamp
 *   deprecatedLastTimestamp    lastTimestamp
 *   deprecatedCount            count
 */
import type { KubeObject } from '@skiff/api';

/** [events.k8s.io/v1 field, core/v1 field] */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

const TO_CORE = new Map(RENAMED.map(([v1, core]) => [v1, core]));
const TO_EVENTS_V1 = new Map(RENAMED.map(([v1, core]) => [core, v1]));

/** A shallow copy of `obj` with its top-level fields renamed and its apiVersion replaced. */
function renamed(obj: KubeObject, apiVersion: string, names: Map<string, string>, dropped: ReadonlySet<string>): KubeObject {
  const out: Record<string, unknown> = { apiVersion, kind: 'Event', metadata: obj.metadata };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || v === undefined || dropped.has(k)) continue;
    out[names.get(k) ?? k] = v;
  }
  return out as KubeObject;
}

// A field under the other form's name is not a field of this form: it is dropped, never stored or served twice.
const V1_NAMES = new Set(RENAMED.map(([v1]) => v1));
const CORE_NAMES = new Set(RENAMED.map(([, core]) => core));

export function eventToCore(v1: KubeObject): KubeObject {
  return renamed(v1, 'v1', TO_CORE, CORE_NAMES);
}

export function eventFromCore(core: KubeObject): KubeObject {
  return renamed(core, 'events.k8s.io/v1', TO_EVENTS_V1, V1_NAMES);
}
