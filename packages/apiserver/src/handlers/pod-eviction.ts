/**
 * The eviction API's check against PodDisruptionBudgets, as the real server makes it: a pod that one budget
 * selects is deleted only while the budget allows a disruption (its status, kept by the disruption controller,
 * says how many), and each eviction takes one of them at once, by a write to the budget's status, so two
 * evictions cannot both spend the last. Otherwise 429 TooManyRequests, which `kubectl drain` retries. Pods that
 * cannot count toward a budget (Pending, finished, already being deleted) are evicted without one. A dry run
 * checks the budget and spends nothing.
 */
import { deepCopy, labelSelectorFromObject, StatusError, type KubeObject, type ResourceDefinition } from '@skiff/api';
import type { WriteOptions } from '../http/query-options.js';
import { nowTimestamp } from '../rest/object-fields.js';
import type { ObjectRest, Producer } from '../rest/object-rest.js';
import type { ServerContext } from '../rest/server-context.js';
import { objectKey } from '../storage/keys.js';

function tooManyRequests(message: string, causes?: { reason: string; message: string }[]): StatusError {
  return new StatusError('TooManyRequests', message, causes ? { causes } : undefined);
}

function ignoresBudgets(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata.deletionTimestamp || phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Takes one disruption from the budget covering `pod`, if any; throws 429 when none is allowed now (or the
 * budget's status is behind its spec), 500 when several budgets cover the pod, as the real server does.
 */
export async function spendDisruption(ctx: ServerContext, rest: ObjectRest, podDef: ResourceDefinition, namespace: string, name: string, dryRun: boolean): Promise<void> {
  const pdbDef = ctx.registry.get('policy', 'v1', 'poddisruptionbudgets');
  if (!pdbDef) return;
  const pod = ctx.cache(podDef).getStored(objectKey(podDef, namespace, name))?.obj;
  if (!pod || ignoresBudgets(pod)) return;
  const labels = pod.metadata.labels ?? {};
  const budgets = ctx
    .cache(pdbDef)
    .list({ namespace })
    .items.map((s) => s.obj)
    .filter((b) => {
      const sel = b.spec?.selector;
      // A budget without a selector selects nothing; an empty one, every pod of the namespace.
      return sel !== undefined && sel !== null && labelSelectorFromObject(sel).matches(labels);
    });
  if (budgets.length === 0) return;
  if (budgets.length > 1) throw new StatusError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const budgetName = budgets[0]!.metadata.name!;
  const spend: Producer = (b) => {
    const status = b.status ?? {};
    if ((status.observedGeneration ?? 0) < (b.metadata.generation ?? 0)) {
      throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget.`, [
        { reason: 'DisruptionBudget', message: `The disruption budget ${budgetName} is still being processed by the server.` },
      ]);
    }
    const allowed = status.disruptionsAllowed ?? 0;
    if (allowed <= 0) {
      throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget.`, [
        { reason: 'DisruptionBudget', message: `The disruption budget ${budgetName} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` },
      ]);
    }
    b.status = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [name]: nowTimestamp() } };
    return b;
  };
  // A dry run asks the same question and writes nothing.
  if (dryRun) return void spend(deepCopy(budgets[0]!));
  const opts: WriteOptions = { dryRun: false, fieldValidation: 'Ignore', force: false, manager: 'kube-apiserver', warnings: [] };
  await rest.update(pdbDef, namespace, budgetName, spend, opts, 'status');
}
