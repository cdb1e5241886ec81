/** Label and field selectors of a list or watch, compiled into one predicate. */
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
  if (!labels.isEverything() || !fields.isEverything()) {
    filter.matches = (obj: KubeObject) =>
      labels.matches(obj.metadata?.labels) && (fields.isEverything() || fields.matches(fieldLabelsOf(def.group, def.resource, obj)));
  }
  return filter;
}
