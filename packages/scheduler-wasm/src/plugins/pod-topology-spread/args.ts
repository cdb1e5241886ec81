import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { invalidConfig } from '../../errors.js';
import { ArgsReader } from '../../framework/args-reader.js';
import { SYSTEM_DEFAULT_CONSTRAINTS } from './defaults.js';

export interface PodTopologySpreadArgs {
  defaultingType: 'System' | 'List';
  defaultConstraints: V1TopologySpreadConstraint[];
}

export function defaultSpreadArgs(): PodTopologySpreadArgs {
  return { defaultingType: 'System', defaultConstraints: [] };
}

/**
 * PodTopologySpreadArgs: defaultingType System (the built-in host/zone defaults; defaultConstraints must then be
 * empty) or List (the given constraints, which may not carry a selector: it is derived per pod).
 */
export function parseSpreadArgs(raw: unknown, field: string): PodTopologySpreadArgs {
  const r = new ArgsReader(raw, field, ['defaultConstraints', 'defaultingType']);
  const type = r.string('defaultingType', 'System');
  if (type !== 'System' && type !== 'List') throw invalidConfig(`${field}.defaultingType`, `"${type}" must be System or List`);
  const seen = new Set<string>();
  const constraints = r.list('defaultConstraints').map((c, i) => {
    const f = `${field}.defaultConstraints[${i}]`;
    const cr = new ArgsReader(c, f, ['maxSkew', 'topologyKey', 'whenUnsatisfiable', 'labelSelector', 'minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy', 'matchLabelKeys']);
    if (cr.has('labelSelector')) throw invalidConfig(`${f}.labelSelector`, 'constraint must not define a selector, as they deduced for each pod');
    const maxSkew = cr.int('maxSkew', 0, 1, 2 ** 31 - 1);
    const topologyKey = cr.string('topologyKey', '');
    if (!topologyKey) throw invalidConfig(`${f}.topologyKey`, 'is required');
    const when = cr.string('whenUnsatisfiable', '');
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') throw invalidConfig(`${f}.whenUnsatisfiable`, 'must be DoNotSchedule or ScheduleAnyway');
    const key = `${topologyKey}/${when}`;
    if (seen.has(key)) throw invalidConfig(f, `duplicate {${topologyKey}, ${when}}`);
    seen.add(key);
    return { ...(c as V1TopologySpreadConstraint), maxSkew, topologyKey, whenUnsatisfiable: when };
  });
  if (type === 'System' && constraints.length > 0) {
    throw invalidConfig(`${field}.defaultConstraints`, 'when .defaultingType is System, .defaultConstraints must be empty');
  }
  return { defaultingType: type, defaultConstraints: constraints };
}

/** The constraints applied to pods without their own, and whether they are the system defaults. */
export function effectiveDefaults(args: PodTopologySpreadArgs): { constraints: readonly V1TopologySpreadConstraint[]; systemDefaulted: boolean } {
  return args.defaultingType === 'System'
    ? { constraints: SYSTEM_DEFAULT_CONSTRAINTS, systemDefaulted: true }
    : { constraints: args.defaultConstraints, systemDefaulted: false };
}
