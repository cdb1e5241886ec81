/** Which of our protobuf messages decodes which apiVersion/kind. */
export const wireTypes: Record<string, string> = {
  'v1/Namespace': 'skiff.core.Namespace',
  'v1/ConfigMap': 'skiff.core.ConfigMap',
  'v1/Secret': 'skiff.core.Secret',
  'v1/Service': 'skiff.core.Service',
  'v1/ServiceAccount': 'skiff.core.ServiceAccount',
  'v1/Binding': 'skiff.core.Binding',
  'apps/v1/Deployment': 'skiff.workloads.Deployment',
  'batch/v1/Job': 'skiff.workloads.Job',
  'batch/v1/CronJob': 'skiff.workloads.CronJob',
  'authentication.k8s.io/v1/TokenRequest': 'skiff.workloads.TokenRequest',
  'policy/v1/Eviction': 'skiff.workloads.Eviction',
  'scheduling.k8s.io/v1/PriorityClass': 'skiff.scheduling.PriorityClass',
  'meta.k8s.io/v1/DeleteOptions': 'skiff.meta.DeleteOptions',
  'v1/DeleteOptions': 'skiff.meta.DeleteOptions',
};
