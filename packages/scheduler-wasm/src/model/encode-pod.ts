import type { V1Pod, V1PodAffinityTerm, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { PodFlag, PodRec, Policy, Protocol, Section, SelectorKind, When } from '../core/codes.js';
import { invalidPod, SchedulerError } from '../errors.js';
import type { CoreModel } from './core-model.js';
import { compileSelector, selectorMatchesLabels, SelectorError, type CompiledSelector, type Requirement } from './label-selector.js';
import { compileRequirement, compileTerm } from './node-selector.js';
import { podResources } from './pod-resources.js';
import { isSchedulableResource } from './resource-names.js';
import { RecordWriter } from './record-writer.js';
import { effectCode, tolerates, tolerationOpCode } from './taints.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** What encoding needs beyond the pod itself; the framework supplies it per profile. */
export interface EncodeOptions {
  /** The pod's resolved priority (spec.priority, or its PriorityClass value). */
  priority: number;
  /** Spread constraints used when the pod lists none: PodTopologySpread's defaults for the profile. */
  defaultSpread: { constraints: readonly V1TopologySpreadConstraint[]; systemDefaulted: boolean };
  /** The selector of the services and controllers the pod belongs to; empty means no default spreading. */
  defaultSelector: readonly Requirement[];
  /** Names of namespaces whose labels match a namespaceSelector (resolved by the cache's namespace store). */
  namespacesMatching(selector: NonNullable<V1PodAffinityTerm['namespaceSelector']>): string[];
}

/**
 * A V1Pod as a pod record (layout in codes.ts): everything the filters and scores need, interned. Malformed
 * specs (bad quantities, unknown operators, invalid selectors) throw InvalidPod naming the field.
 */
export function encodePod(pod: V1Pod, model: CoreModel, opts: EncodeOptions): Int32Array {
  const ns = pod.metadata?.namespace || 'default';
  const who = `${ns}/${pod.metadata?.name ?? ''}`;
  const spec = pod.spec;
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) throw invalidPod(who, 'spec.containers', 'a pod needs containers');
  const ids = model.ids;
  const labels = pod.metadata?.labels ?? {};
  const w = new RecordWriter();
  let flags = 0;

  w.set(PodRec.Namespace, ids.namespaces.intern(ns));
  w.set(PodRec.Priority, opts.priority);
  w.set(PodRec.NodeName, spec.nodeName ? (model.nodeSlot(spec.nodeName) ?? -2) : -1);
  w.set(PodRec.Containers, (spec.initContainers?.length ?? 0) + spec.containers.length);
  if (pod.metadata?.deletionTimestamp) flags |= PodFlag.Terminating;
  const started = pod.status?.startTime ? new Date(pod.status.startTime as unknown as string).getTime() : NaN;
  w.setF64(PodRec.StartTime, Number.isNaN(started) ? Infinity : started);

  let resources;
  try {
    resources = podResources(pod);
  } catch (e) {
    throw invalidPod(who, 'spec.containers[].resources', (e as Error).message);
  }
  w.setF64(PodRec.NzCpu, resources.nonZeroCpu);
  w.setF64(PodRec.NzMem, resources.nonZeroMemory);
  w.beginSection(Section.Requests);
  let reqCount = 0;
  for (const [name, value] of resources.requests) {
    if (!isSchedulableResource(name)) continue;
    w.push(model.resourceColumn(name), 0);
    w.pushF64(value);
    reqCount++;
  }
  w.endSection(Section.Requests, reqCount);

  w.beginSection(Section.Tolerations);
  const tols = spec.tolerations ?? [];
  tols.forEach((t, i) => {
    const op = tolerationOpCode(t.operator);
    const effect = effectCode(t.effect);
    if (op === undefined) throw invalidPod(who, `spec.tolerations[${i}].operator`, `unknown operator "${t.operator}"`);
    if (effect === undefined) throw invalidPod(who, `spec.tolerations[${i}].effect`, `unknown effect "${t.effect}"`);
    w.push(t.key ? ids.taintKeys.intern(t.key) : -1, op, ids.taintValues.intern(t.value ?? ''), effect);
  });
  w.endSection(Section.Tolerations, tols.length);
  if (tols.some((t) => tolerates(t, UNSCHEDULABLE_TAINT, '', 'NoSchedule'))) flags |= PodFlag.ToleratesUnschedulable;

  const guard = <T>(field: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SelectorError || e instanceof SchedulerError) throw invalidPod(who, field, e.message);
      throw e;
    }
  };

  w.beginSection(Section.NodeSelector);
  const nodeSel = Object.entries(spec.nodeSelector ?? {});
  guard('spec.nodeSelector', () => {
    for (const [key, value] of nodeSel) w.push(...compileRequirement({ key, operator: 'In', values: [value] }, false, model));
  });
  w.endSection(Section.NodeSelector, nodeSel.length);

  const nodeAff = spec.affinity?.nodeAffinity;
  const required = nodeAff?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    // A present but empty term list matches no node; the section's non-zero offset says "present".
    w.beginSection(Section.RequiredTerms);
    let count = 0;
    guard('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution', () => {
      for (const term of required.nodeSelectorTerms ?? []) {
        const c = compileTerm(term, model);
        if (!c) continue;
        w.push(c.count, ...c.words);
        count++;
      }
    });
    w.endSection(Section.RequiredTerms, count);
  }
  w.beginSection(Section.PreferredTerms);
  let prefCount = 0;
  guard('spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution', () => {
    for (const p of nodeAff?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (!Number.isInteger(p.weight) || p.weight < 0 || p.weight > 100) throw new SelectorError(`weight ${p.weight} is not in 0-100`);
      const c = compileTerm(p.preference, model);
      if (!c || p.weight === 0) continue;
      w.push(p.weight, c.count, ...c.words);
      prefCount++;
    }
  });
  w.endSection(Section.PreferredTerms, prefCount);

  w.beginSection(Section.Ports);
  let ports = 0;
  const portContainers = [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...spec.containers];
  for (const c of portContainers) {
    for (const p of c.ports ?? []) {
      if (!(p.hostPort && p.hostPort > 0)) continue;
      const proto = p.protocol ?? 'TCP';
      if (!(proto in Protocol)) throw invalidPod(who, `spec.containers[${c.name}].ports`, `unknown protocol "${proto}"`);
      const ip = !p.hostIP || p.hostIP === '0.0.0.0' ? 0 : ids.hostIPs.intern(p.hostIP);
      w.push(ip, Protocol[proto as keyof typeof Protocol], p.hostPort);
      ports++;
    }
  }
  w.endSection(Section.Ports, ports);
  if (ports > 0) flags |= PodFlag.HasPorts;

  w.beginSection(Section.Images);
  const images = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.image ?? '');
  for (const img of images) w.push(ids.images.get(normalizedImageName(img)) ?? -1);
  w.endSection(Section.Images, images.length);

  w.beginSection(Section.Labels);
  const pairs = Object.entries(labels)
    .map(([k, v]) => [ids.podKeys.intern(k), ids.podValues.intern(v)] as const)
    .sort((a, b) => a[0] - b[0]);
  for (const [k, v] of pairs) w.push(k, v);
  w.endSection(Section.Labels, pairs.length);

  flags |= encodeSpread(w, pod, labels, model, opts, guard);
  flags |= encodeAffinity(w, pod, ns, labels, model, opts, guard);
  const spreads = w.word(PodRec.Sections + 2 * Section.Spread + 1);
  if (spreads === 0 && (flags & PodFlag.HasAffinity) === 0) flags |= PodFlag.NodeLocal;
  w.set(PodRec.Flags, flags);
  // The node-local inputs, in record words: equal keys mean equal filter results and node-local scores.
  const key = [
    w.word(PodRec.NzCpu),
    w.word(PodRec.NzCpu + 1),
    w.word(PodRec.NzMem),
    w.word(PodRec.NzMem + 1),
    w.word(PodRec.Containers),
    w.word(PodRec.NodeName),
    flags & PodFlag.ToleratesUnschedulable,
    w.sectionStart(Section.RequiredTerms) === 0 ? 0 : 1,
    ...w.slice(w.sectionStart(Section.Requests), w.sectionStart(Section.Labels)),
  ].join(',');
  w.set(PodRec.Class, model.classOf(key));
  return w.finish();
}

/** ImageLocality's normalizedImageName: an image without a tag means ":latest". */
export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return name + ':latest';
  return name;
}

type Guard = <T>(field: string, fn: () => T) => T;

function encodeSpread(w: RecordWriter, pod: V1Pod, labels: Record<string, string>, model: CoreModel, opts: EncodeOptions, guard: Guard): number {
  const own = pod.spec?.topologySpreadConstraints ?? [];
  const useDefaults = own.length === 0;
  const list = useDefaults ? (opts.defaultSelector.length ? opts.defaultSpread.constraints : []) : own;
  const ids = model.ids;
  w.beginSection(Section.Spread);
  guard('spec.topologySpreadConstraints', () => {
    if (list.length > 16) throw new SelectorError('at most 16 topology spread constraints are supported');
    list.forEach((c, i) => {
      const when = c.whenUnsatisfiable === 'DoNotSchedule' ? When.DoNotSchedule : c.whenUnsatisfiable === 'ScheduleAnyway' ? When.ScheduleAnyway : -1;
      if (when < 0) throw new SelectorError(`[${i}].whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway`);
      if (!Number.isInteger(c.maxSkew) || c.maxSkew < 1) throw new SelectorError(`[${i}].maxSkew must be an integer >= 1`);
      if (!c.topologyKey) throw new SelectorError(`[${i}].topologyKey is required`);
      const minDomains = c.minDomains ?? 1;
      if (!Number.isInteger(minDomains) || minDomains < 1) throw new SelectorError(`[${i}].minDomains must be an integer >= 1`);
      const affPolicy = policy(c.nodeAffinityPolicy, Policy.Honor, `[${i}].nodeAffinityPolicy`);
      const taintPolicy = policy(c.nodeTaintsPolicy, Policy.Ignore, `[${i}].nodeTaintsPolicy`);
      let sel: CompiledSelector;
      if (useDefaults) {
        sel = compileSelector({}, [...opts.defaultSelector], ids.podKeys, ids.podValues);
      } else {
        const extra: Requirement[] = [];
        for (const k of c.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
        sel = compileSelector(c.labelSelector, extra, ids.podKeys, ids.podValues);
      }
      const self = selectorMatchesLabels(sel, labels, ids.podKeys, ids.podValues) ? 1 : 0;
      w.push(c.maxSkew, model.keyColumn(c.topologyKey), when, minDomains, affPolicy, taintPolicy, c.topologyKey === LABEL_HOSTNAME ? 1 : 0, self);
      w.push(...sel.words);
    });
  });
  w.endSection(Section.Spread, list.length);
  return useDefaults && opts.defaultSpread.systemDefaulted ? PodFlag.SystemDefaultSpread : 0;
}

function policy(p: string | undefined, dflt: number, field: string): number {
  if (p === undefined || p === '') return dflt;
  if (p === 'Honor') return Policy.Honor;
  if (p === 'Ignore') return Policy.Ignore;
  throw new SelectorError(`${field} must be Honor or Ignore`);
}

function encodeAffinity(
  w: RecordWriter,
  pod: V1Pod,
  ns: string,
  labels: Record<string, string>,
  model: CoreModel,
  opts: EncodeOptions,
  guard: Guard,
): number {
  const aff = pod.spec?.affinity;
  const ids = model.ids;
  const nsId = ids.namespaces.intern(ns);
  let flags = 0;
  let selfMatchesAll = true;
  const sections: [number, string, { weight?: number; podAffinityTerm?: V1PodAffinityTerm }[] | V1PodAffinityTerm[] | undefined, boolean][] = [
    [Section.AffinityRequired, 'podAffinity.requiredDuringSchedulingIgnoredDuringExecution', aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, false],
    [Section.AntiAffinityRequired, 'podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution', aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, false],
    [Section.AffinityPreferred, 'podAffinity.preferredDuringSchedulingIgnoredDuringExecution', aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, true],
    [Section.AntiAffinityPreferred, 'podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution', aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, true],
  ];
  let any = 0;
  for (const [section, field, list, weighted] of sections) {
    w.beginSection(section);
    const items = list ?? [];
    guard(`spec.affinity.${field}`, () => {
      items.forEach((item, i) => {
        const term = (weighted ? (item as { podAffinityTerm?: V1PodAffinityTerm }).podAffinityTerm : item) as V1PodAffinityTerm | undefined;
        const weight = weighted ? (item as { weight?: number }).weight ?? 0 : 0;
        if (!term) throw new SelectorError(`[${i}] has no podAffinityTerm`);
        if (weighted && (!Number.isInteger(weight) || weight < 1 || weight > 100)) throw new SelectorError(`[${i}].weight must be 1-100`);
        if (!term.topologyKey) throw new SelectorError(`[${i}].topologyKey is required`);
        const extra: Requirement[] = [];
        if (term.labelSelector) {
          for (const k of term.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
          for (const k of term.mismatchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
        }
        const sel = compileSelector(term.labelSelector, extra, ids.podKeys, ids.podValues);
        let all = 0;
        const names = new Set<string>();
        const nsSel = term.namespaceSelector;
        if ((term.namespaces?.length ?? 0) === 0 && !nsSel) names.add(ns);
        for (const n of term.namespaces ?? []) names.add(n);
        if (nsSel) {
          // An empty namespaceSelector ({}) selects every namespace; anything else is resolved to names now.
          const compiled = compileSelector(nsSel, [], ids.podKeys, ids.podValues);
          if (compiled.kind === SelectorKind.Everything) all = 1;
          else for (const n of opts.namespacesMatching(nsSel)) names.add(n);
        }
        const nsIds = [...names].map((n) => ids.namespaces.intern(n));
        w.push(weight, model.keyColumn(term.topologyKey), all, nsIds.length, ...nsIds, ...sel.words);
        if (section === Section.AffinityRequired) {
          const nsOk = all === 1 || nsIds.includes(nsId);
          if (!nsOk || !selectorMatchesLabels(sel, labels, ids.podKeys, ids.podValues)) selfMatchesAll = false;
        }
      });
    });
    w.endSection(section, items.length);
    any += items.length;
    if (section === Section.AntiAffinityRequired && items.length > 0) flags |= PodFlag.HasRequiredAntiAffinity;
    if (section === Section.AffinityRequired && items.length === 0) selfMatchesAll = false;
  }
  if (any > 0) flags |= PodFlag.HasAffinity;
  if (selfMatchesAll) flags |= PodFlag.SelfAffinity;
  return flags;
}
