/** apps/v1 and batch/v1 defaults, as the real server applies them on create and update. */
import { isPlainObject } from '../object.js';
import { defaultPodTemplate } from './pod.js';

function setIfAbsent(o: any, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

export function defaultDeployment(obj: any): void {
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'replicas', 1);
  const strategy = (spec.strategy ??= {});
  setIfAbsent(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(obj: any): void {
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(obj: any): void {
  const spec = (obj.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  setIfAbsent(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(obj: any): void {
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'podManagementPolicy', 'OrderedReady');
  const us = (spec.updateStrategy ??= {});
  setIfAbsent(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') setIfAbsent((us.rollingUpdate ??= {}), 'partition', 0);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  setIfAbsent(retention, 'whenDeleted', 'Retain');
  setIfAbsent(retention, 'whenScaled', 'Retain');
  for (const pvc of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (isPlainObject(pvc?.spec)) setIfAbsent(pvc.spec, 'volumeMode', 'Filesystem');
    if (isPlainObject(pvc)) setIfAbsent(pvc, 'status', { phase: 'Pending' });
  }
  defaultPodTemplate(spec.template);
}

export function defaultJobSpec(spec: any): void {
  if (!isPlainObject(spec)) return;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'backoffLimit', 6);
  setIfAbsent(spec, 'suspend', false);
  if (spec.podFailurePolicy === undefined) setIfAbsent(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultPodTemplate(spec.template);
}

/**
 * A job selects its pods by its own uid unless the user asked for a manual selector: the server writes the
 * selector and labels the template at create time (the uid must already be set).
 */
export function generateJobSelector(obj: any): void {
  const spec = obj.spec;
  if (!isPlainObject(spec) || spec.manualSelector === true) return;
  const uid = obj.metadata?.uid;
  const name = obj.metadata?.name;
  if (!uid) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const tmeta = ((spec.template ??= {}).metadata ??= {});
  tmeta.labels = {
    ...(tmeta.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}

export function defaultJob(obj: any): void {
  defaultJobSpec((obj.spec ??= {}));
}

export function defaultCronJob(obj: any): void {
  const spec = (obj.spec ??= {});
  setIfAbsent(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  const jt = (spec.jobTemplate ??= {});
  if (isPlainObject(jt.spec)) {
    // Unlike a Job, a template leaves completions/parallelism for the job it creates, but its pod template is defaulted.
    defaultPodTemplate(jt.spec.template);
    setIfAbsent(jt.spec, 'backoffLimit', 6);
    setIfAbsent(jt.spec, 'completionMode', 'NonIndexed');
    setIfAbsent(jt.spec, 'suspend', false);
  }
}
