/** apps/v1 and batch/v1 columns. */
import type { KubeObject } from '@skiff/api';
import { ageColumn, containersColumn, imagesColumn, int, nameColumn, selectorColumn } from './common-columns.js';
import { age, humanDuration } from './human-duration.js';
import type { Column } from './table.js';

const template = (o: KubeObject) => o.spec?.template;
const selector = (o: KubeObject) => o.spec?.selector;

export const deploymentColumns: Column[] = [
  nameColumn,
  { name: 'Ready', description: 'Ready replicas out of desired replicas.', cell: (o) => `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}` },
  { name: 'Up-to-date', type: 'integer', description: 'Replicas updated to the current template.', cell: (o) => int(o.status?.updatedReplicas) },
  { name: 'Available', type: 'integer', description: 'Replicas available to users.', cell: (o) => int(o.status?.availableReplicas) },
  ageColumn,
  containersColumn(template),
  imagesColumn(template),
  selectorColumn(selector),
];

export const replicaSetColumns: Column[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', description: 'Desired replicas.', cell: (o) => int(o.spec?.replicas) },
  { name: 'Current', type: 'integer', description: 'Replicas that exist.', cell: (o) => int(o.status?.replicas) },
  { name: 'Ready', type: 'integer', description: 'Replicas that are ready.', cell: (o) => int(o.status?.readyReplicas) },
  ageColumn,
  containersColumn(template),
  imagesColumn(template),
  selectorColumn(selector),
];

function nodeSelector(o: KubeObject): string {
  const entries = Object.entries(o.spec?.template?.spec?.nodeSelector ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

export const daemonSetColumns: Column[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', description: 'Nodes that should run the daemon pod.', cell: (o) => int(o.status?.desiredNumberScheduled) },
  { name: 'Current', type: 'integer', description: 'Nodes running at least one daemon pod.', cell: (o) => int(o.status?.currentNumberScheduled) },
  { name: 'Ready', type: 'integer', description: 'Nodes whose daemon pod is ready.', cell: (o) => int(o.status?.numberReady) },
  { name: 'Up-to-date', type: 'integer', description: 'Nodes running the updated daemon pod.', cell: (o) => int(o.status?.updatedNumberScheduled) },
  { name: 'Available', type: 'integer', description: 'Nodes whose daemon pod is available.', cell: (o) => int(o.status?.numberAvailable) },
  { name: 'Node Selector', description: 'Which nodes the daemon pod runs on.', cell: nodeSelector },
  ageColumn,
  containersColumn(template),
  imagesColumn(template),
  selectorColumn(selector),
];

export const statefulSetColumns: Column[] = [
  nameColumn,
  { name: 'Ready', description: 'Ready replicas out of desired replicas.', cell: (o) => `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}` },
  ageColumn,
  containersColumn(template),
  imagesColumn(template),
];

function jobStatus(o: KubeObject): string {
  const conds: any[] = o.status?.conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('Suspended') || o.spec?.suspend) return 'Suspended';
  return 'Running';
}

function completions(o: KubeObject): string {
  const succeeded = int(o.status?.succeeded);
  if (o.spec?.completions !== undefined && o.spec?.completions !== null) return `${succeeded}/${o.spec.completions}`;
  const parallelism = int(o.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(o: KubeObject, now: number): string {
  const start = o.status?.startTime;
  if (!start) return '';
  const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

const jobTemplate = (o: KubeObject) => o.spec?.template;

export const jobColumns: Column[] = [
  nameColumn,
  { name: 'Status', description: 'The state of the job.', cell: jobStatus },
  { name: 'Completions', description: 'Succeeded pods out of desired completions.', cell: completions },
  { name: 'Duration', description: 'Time the job has run for.', cell: duration },
  ageColumn,
  containersColumn(jobTemplate),
  imagesColumn(jobTemplate),
  selectorColumn(selector),
];

const cronTemplate = (o: KubeObject) => o.spec?.jobTemplate?.spec?.template;

export const cronJobColumns: Column[] = [
  nameColumn,
  { name: 'Schedule', description: 'The cron schedule.', cell: (o) => o.spec?.schedule ?? '' },
  { name: 'Timezone', description: 'The time zone the schedule is read in.', cell: (o) => o.spec?.timeZone ?? '<none>' },
  { name: 'Suspend', description: 'Whether new runs are suspended.', cell: (o) => (o.spec?.suspend ? 'True' : 'False') },
  { name: 'Active', type: 'integer', description: 'Jobs running now.', cell: (o) => (o.status?.active ?? []).length },
  { name: 'Last Schedule', description: 'When a job was last scheduled.', cell: (o, now) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>') },
  ageColumn,
  containersColumn(cronTemplate),
  imagesColumn(cronTemplate),
  selectorColumn((o) => o.spec?.jobTemplate?.spec?.selector),
];
