/**
 * The DaemonSet controller: one pod on every eligible node (node-eligibility.ts).
 *
 * One sync: claim pods; per node, create the missing pod (pinned to the node by required node affinity, for the
 * scheduler to bind), delete failed pods (recreated next sync), extra pods (the oldest stays) and pods on nodes
 * the DaemonSet no longer fits; then roll out template changes:
 *   RollingUpdate, maxSurge 0: delete old pods while unavailable pods stay within maxUnavailable (default 1),
 *                              unavailable old pods first; each is recreated from the new template.
 *   RollingUpdate, maxSurge>0: start the new pod beside the old one (up to maxSurge nodes at once) and delete
 *                              the old one once the new one is available.
 *   OnDelete:                  new pods only replace pods someone deleted.
 * The template revision is the controller-revision-hash label (a hash of the template).
 */
import { deepCopy, jsonEqual, labelSelectorFromObject, type ControllerRevision, type DaemonSet, type Node, type Pod } from '@skiff/api';
import { isNotFound, objectKey, type EventRecorder, type ResourceClient, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { ownedPodEvents } from '../framework/owned-pod-events.js';
import { scaledValue } from '../framework/int-or-percent.js';
import { ownedInformer, ownershipCandidates } from '../framework/owned-objects.js';
import { claimObjects, newControllerRef } from '../framework/owner-refs.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../framework/pod-state.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { templateHash } from '../framework/template-hash.js';
import { pruneRevisions, recordRevision } from '../framework/controller-history.js';
import { daemonTolerations, eligibility, pinToNode, targetNode } from './node-eligibility.js';

export const REVISION_LABEL = 'controller-revision-hash';

interface NodePlan {
  node: Node;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  pods: Pod[];
}

export class DaemonSetController extends QueueController {
  private readonly daemonSets: SharedInformer<DaemonSet>;
  private readonly nodes: SharedInformer<Node>;
  private readonly pods: SharedInformer<Pod>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('daemonset', ctx, ctx.options.workers.daemonset);
    this.recorder = ctx.recorder('daemonset-controller');
    this.daemonSets = ctx.informers.informer<DaemonSet>('apps/v1/daemonsets');
    this.nodes = ctx.informers.informer<Node>('v1/nodes');
    this.pods = ownedInformer<Pod>(ctx, 'v1/pods');
    this.revisions = ownedInformer<ControllerRevision>(ctx, 'apps/v1/controllerrevisions');
    this.daemonSets.addEventHandler({ onAdd: (d) => this.enqueue(objectKey(d)), onUpdate: (_, d) => this.enqueue(objectKey(d)), onDelete: (d) => this.expectations.delete(objectKey(d)) });
    const all = () => {
      for (const k of this.daemonSets.indexer.keys()) this.enqueue(k);
    };
    this.nodes.addEventHandler({
      onAdd: all,
      onUpdate: (old, n) => {
        if (!jsonEqual(old.metadata?.labels, n.metadata?.labels) || !jsonEqual(old.spec?.taints, n.spec?.taints)) all();
      },
      onDelete: all,
    });
    this.pods.addEventHandler(ownedPodEvents('DaemonSet', this.expectations, (key) => this.enqueue(key)));
  }


  protected async sync(key: string): Promise<SyncResult> {
    const ds = this.daemonSets.indexer.get(key);
    if (!ds) return;
    const ns = ds.metadata!.namespace!;
    const podClient = this.ctx.client.resource<Pod>('v1/pods').namespace(ns);
    const selector = labelSelectorFromObject(ds.spec?.selector);
    // Expectations before pods: a creation observed while adoption writes are awaited must not satisfy them for
    // a pod list taken before it (the pod would be made twice).
    const satisfied = this.expectations.satisfied(key);
    const claimed = await claimObjects(ownershipCandidates(this.pods, ds), { owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', selector, client: podClient });
    const pods = claimed.filter((p) => !p.metadata?.deletionTimestamp);
    const hash = templateHash(ds.spec?.template);
    const plans = this.plan(ds, pods);
    if (!ds.metadata?.deletionTimestamp) {
      // The history kubectl rollout history/undo read (framework/controller-history.ts).
      const revisions = this.ctx.client.resource<ControllerRevision>('apps/v1/controllerrevisions').namespace(ns);
      const current = await recordRevision(this.revisions, revisions, { obj: ds, apiVersion: 'apps/v1', kind: 'DaemonSet' }, hash);
      const inUse = new Set([current, ...pods.map((p) => `${ds.metadata!.name}-${p.metadata?.labels?.[REVISION_LABEL] ?? ''}`)]);
      await pruneRevisions(this.revisions, revisions, ds, inUse);
    }
    if (satisfied && !ds.metadata?.deletionTimestamp) await this.manage(key, ds, hash, plans, podClient);
    return this.writeStatus(ds, hash, this.plan(ds, pods));
  }

  private plan(ds: DaemonSet, pods: Pod[]): NodePlan[] {
    const byNode = new Map<string, Pod[]>();
    for (const p of pods) {
      const n = targetNode(p);
      if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    return this.nodes.indexer.list().map((node) => ({ node, ...eligibility(ds, node), pods: byNode.get(node.metadata!.name!) ?? [] }));
  }

  private async manage(key: string, ds: DaemonSet, hash: string, plans: NodePlan[], pods: ResourceClient<Pod>): Promise<void> {
    const create: string[] = [];
    const remove: Pod[] = [];
    const now = this.ctx.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    for (const p of plans) {
      const name = p.node.metadata!.name!;
      if (p.shouldRun && p.pods.length === 0) create.push(name);
      else if (!p.shouldContinueRunning) remove.push(...p.pods);
      else {
        const failed = p.pods.filter((x) => x.status?.phase === 'Failed');
        remove.push(...failed);
        const alive = p.pods.filter((x) => x.status?.phase !== 'Failed').sort((a, b) => Date.parse(a.metadata!.creationTimestamp!) - Date.parse(b.metadata!.creationTimestamp!));
        if (failed.length && alive.length === 0 && p.shouldRun) create.push(name);
        // Two pods on a node: keep the oldest, unless a surge update is under way (old plus new).
        const surging = alive.length === 2 && alive.filter((x) => x.metadata?.labels?.[REVISION_LABEL] === hash).length === 1;
        if (alive.length > 1 && !surging) remove.push(...alive.slice(1));
      }
    }
    const strategy = ds.spec?.updateStrategy;
    if ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const desired = plans.filter((p) => p.shouldRun).length;
      const maxSurge = scaledValue(strategy?.rollingUpdate?.maxSurge, desired, true, 0);
      const maxUnavailable = scaledValue(strategy?.rollingUpdate?.maxUnavailable, desired, true, 1);
      const candidates = plans.filter((p) => p.shouldContinueRunning && p.pods.length > 0);
      if (maxSurge === 0) {
        let unavailable = plans.filter((p) => p.shouldRun && !p.pods.some((x) => isPodAvailable(x, minReady, now))).length;
        const old = candidates.flatMap((p) => p.pods.filter((x) => x.metadata?.labels?.[REVISION_LABEL] !== hash && !remove.includes(x)));
        // Unavailable old pods cost nothing to replace; available ones only within the budget.
        for (const x of old.filter((x) => !isPodAvailable(x, minReady, now))) remove.push(x);
        for (const x of old.filter((x) => isPodAvailable(x, minReady, now))) {
          if (unavailable >= maxUnavailable) break;
          remove.push(x);
          unavailable++;
        }
      } else {
        let surging = candidates.filter((p) => p.pods.some((x) => x.metadata?.labels?.[REVISION_LABEL] === hash && !isPodAvailable(x, minReady, now)) && p.pods.some((x) => x.metadata?.labels?.[REVISION_LABEL] !== hash)).length;
        for (const p of candidates) {
          const fresh = p.pods.find((x) => x.metadata?.labels?.[REVISION_LABEL] === hash);
          const old = p.pods.filter((x) => x.metadata?.labels?.[REVISION_LABEL] !== hash);
          if (!old.length) continue;
          if (fresh && isPodAvailable(fresh, minReady, now)) remove.push(...old.filter((x) => !remove.includes(x)));
          else if (!fresh && surging < maxSurge && p.shouldRun) {
            create.push(p.node.metadata!.name!);
            surging++;
          }
        }
      }
    }
    await this.apply(key, ds, hash, create, remove, pods);
  }

  private async apply(key: string, ds: DaemonSet, hash: string, create: string[], remove: Pod[], pods: ResourceClient<Pod>): Promise<void> {
    const owner = { ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' };
    if (remove.length) {
      this.expectations.expectDeletions(key, remove.map(objectKey));
      await Promise.all(
        remove.map(async (p) => {
          try {
            await pods.delete(p.metadata!.name!);
            this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
          } catch (e) {
            this.expectations.deletionObserved(key, objectKey(p));
            if (!isNotFound(e)) throw e;
          }
        }),
      );
    }
    if (!create.length) return;
    this.expectations.expectCreations(key, create.length);
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const { succeeded, error } = await slowStartBatch(create.length, 1, async (i) => {
      const pod = podFromTemplate(ds.spec?.template, ref, { generateName: `${ds.metadata!.name}-`, labels: { [REVISION_LABEL]: hash } });
      pinToNode(pod.spec!, create[i]!);
      pod.spec!.tolerations = daemonTolerations(pod.spec) as NonNullable<Pod['spec']>['tolerations'];
      const created = await pods.create(pod);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    });
    if (succeeded < create.length) this.expectations.creationFailed(key, create.length - succeeded);
    if (error) throw error;
  }

  private async writeStatus(ds: DaemonSet, hash: string, plans: NodePlan[]): Promise<SyncResult> {
    const now = this.ctx.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let nextAvailable = 0;
    for (const p of plans) {
      const live = p.pods.filter((x) => x.status?.phase !== 'Failed');
      if (!p.shouldRun) {
        if (live.length) misscheduled++;
        continue;
      }
      desired++;
      if (!live.length) continue;
      current++;
      if (live.some((x) => x.metadata?.labels?.[REVISION_LABEL] === hash)) updated++;
      if (live.some(isPodReady)) ready++;
      if (live.some((x) => isPodAvailable(x, minReady, now))) available++;
      for (const x of live) {
        const w = msUntilAvailable(x, minReady, now);
        if (w > 0 && (nextAvailable === 0 || w < nextAvailable)) nextAvailable = w;
      }
    }
    const status: NonNullable<DaemonSet['status']> = {
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: Math.max(0, desired - available),
      updatedNumberScheduled: updated,
      observedGeneration: ds.metadata?.generation ?? 0,
    };
    if (!jsonEqual(status, ds.status ?? {})) {
      try {
        await this.ctx.client.resource<DaemonSet>('apps/v1/daemonsets').namespace(ds.metadata!.namespace!).updateStatus({ ...deepCopy(ds), status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return nextAvailable > 0 ? { requeueAfterMs: nextAvailable + 10 } : undefined;
  }
}
