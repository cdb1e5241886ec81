/** Manifests of one object of every served kind, as YAML documents, for kubectl sessions. */

const podSpec = `
      containers:
      - name: app
        image: nginx:1.27
        ports:
        - containerPort: 80`;

export const manifests: Record<string, string> = {
  namespace: `apiVersion: v1
kind: Namespace
metadata:
  name: team-a`,
  pod: `apiVersion: v1
kind: Pod
metadata:
  name: web-pod
  labels: {app: web, tier: fe}
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80`,
  service: `apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080`,
  endpoints: `apiVersion: v1
kind: Endpoints
metadata:
  name: web-svc
subsets:
- addresses: [{ip: 10.0.0.5}]
  ports: [{port: 8080}]`,
  node: `apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels: {node-role.kubernetes.io/worker: ""}`,
  configmap: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {mode: fast, level: "3"}`,
  secret: `apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
stringData: {user: admin}`,
  serviceaccount: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot`,
  deployment: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:${podSpec}`,
  replicaset: `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-rs
spec:
  replicas: 1
  selector: {matchLabels: {app: web-rs}}
  template:
    metadata: {labels: {app: web-rs}}
    spec:${podSpec}`,
  daemonset: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:${podSpec}`,
  statefulset: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:${podSpec}`,
  job: `apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: [echo, hi]`,
  cronjob: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: work
            image: busybox`,
  lease: `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: leader
spec:
  holderIdentity: node-1
  leaseDurationSeconds: 15`,
  endpointslice: `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-svc-abc
  labels: {kubernetes.io/service-name: web-svc}
addressType: IPv4
ports: [{port: 8080, protocol: TCP}]
endpoints:
- addresses: [10.0.0.5]`,
};

/** An event about a pod; describe finds it only with the pod's uid. */
export function podEvent(podUid: string): string {
  return `apiVersion: v1
kind: Event
metadata:
  name: web-pod.1
involvedObject: {kind: Pod, name: web-pod, namespace: default, uid: ${podUid}}
reason: Scheduled
message: placed on node-1
type: Normal
source: {component: scheduler}
count: 1
`;
}

export function allManifests(): string {
  return Object.values(manifests).join('\n---\n') + '\n';
}
