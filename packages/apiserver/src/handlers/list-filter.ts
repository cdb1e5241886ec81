/**
 * Label and field selectors of a list or watch, compiled into one predicate that does only what the selectors
 * need (no predicate at all when they select everything: watchers without selectors skip the check entirely).
 */
import {
  badRequest,
  fieldLabelsOf,
  parseFieldSelector,
  parseLabelSelector,
  supportedFieldLabels,
  type KubeObject,
  type ResourceDefinition,
} from '@skiff/api';
import type { ListOptions } from '../http/query-options.js';
import type { WatchFilter } from '../watch/watch-cache.js';

export function buildFilter(def: ResourceDefinition, namespace: string | undefined, opts: ListOptions): WatchFilter {
  const labels = parseLabelSelector(opts.labelSelector);
  const fields = parseFieldSelector(opts.fieldSelector);
  const supported = supportedFieldLabels(def.group, def.resource);
  for (const r of fields.requirements) {
    if (!supported.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
  const filter: WatchFilter = {};
  if (namespace) filter.namespace = namespace;
  const byLabels = !labels.isEverything();
  const byFields = !fields.isEverything();
  if (byLabels && byFields) {
    filter.matches = (obj: KubeObject) => labels.matches(obj.metadata?.labels) && fields.matches(fieldLabels(def, obj));
  } else if (byLabels) {
    filter.matches = (obj: KubeObject) => labels.matches(obj.metadata?.labels);
  } else if (byFields) {
    filter.matches = (obj: KubeObject) => fields.matches(fieldLabels(def, obj));
  }
  return filter;
}

/**
 * Field labels per object: the watch cache hands every watcher the same decoded object for an event, so a
 * thousand field-selecting watchers (kubelets watching their node's pods) extract its labels once.
 */
const labelsByObject = new WeakMap<KubeObject, Record<string, string>>();

function fieldLabels(def: ResourceDefinition, obj: KubeObject): Record<string, string> {
  let f = labelsByObject.get(obj);
  if (!f) labelsByObject.set(obj, (f = fieldLabelsOf(def.group, def.resource, obj)));
  return f;
}
