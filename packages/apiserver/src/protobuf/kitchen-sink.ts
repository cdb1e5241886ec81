/**
 * Test data: "kitchen sink" objects in Kubernetes JSON that set every field of every message reachable from each
 * kind of wire-types.ts (a sink's own test checks that it does). Values are realistic enough for the pod template to
 * pass the server's validation, and no plain (non-pointer) field is at its zero value, since the decoder drops those.
 */

const selector = () => ({ matchLabels: { app: 'sink' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] });

export function objectMeta(name: string): Record<string, any> {
  return {
    name,
    generateName: `${name}-`,
    namespace: 'default',
    selfLink: `/x/${name}`,
    uid: '6b0a3c2e-0d3f-4c3e-9a51-1f2e3d4c5b6a',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-05-06T07:08:09Z',
    deletionTimestamp: '2024-05-07T07:08:09Z',
    deletionGracePeriodSeconds: 0,
    labels: { app: 'sink' },
    annotations: { note: 'every field' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '0e0e0e0e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: false }],
    finalizers: ['example.com/keep'],
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-05-06T07:08:10Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } }, subresource: 'status' }],
  };
}

export function container(name: string): Record<string, any> {
  return {
    name,
    image: 'busybox:1.36',
    command: ['sh', '-c'],
    args: ['sleep 3600'],
    workingDir: '/work',
    ports: [{ name: 'http', containerPort: 8080, hostPort: 18080, protocol: 'TCP', hostIP: '127.0.0.1' }],
    envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm', optional: true } }, { secretRef: { name: 'sec', optional: false } }],
    env: [
      { name: 'PLAIN', value: 'v' },
      { name: 'FIELD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'RES', valueFrom: { resourceFieldRef: { containerName: name, resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CMK', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
      { name: 'SK', valueFrom: { secretKeyRef: { name: 'sec', key: 'k', optional: false } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64Mi' }, claims: [{ name: 'gpu', request: 'r1' }] },
    resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'memory', restartPolicy: 'RestartContainer' }],
    volumeMounts: [
      { name: 'cfg', mountPath: '/cfg', readOnly: true, subPath: 'a', mountPropagation: 'None', recursiveReadOnly: 'Disabled' },
      { name: 'scratch', mountPath: '/scratch', subPathExpr: '$(POD)' },
    ],
    volumeDevices: [{ name: 'blk', devicePath: '/dev/xvda' }],
    livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 7, successThreshold: 1, failureThreshold: 4, terminationGracePeriodSeconds: 11 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http', host: 'localhost', scheme: 'HTTP', httpHeaders: [{ name: 'X-A', value: 'b' }] }, periodSeconds: 3, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    startupProbe: { grpc: { port: 9090, service: 'health' }, failureThreshold: 30, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1 },
    lifecycle: { postStart: { tcpSocket: { port: 8080, host: 'h' } }, preStop: { sleep: { seconds: 3 } } },
    terminationMessagePath: '/dev/term',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    imagePullPolicy: 'IfNotPresent',
    securityContext: {
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      privileged: false,
      seLinuxOptions: { user: 'u', role: 'r', type: 't', level: 's0' },
      runAsUser: 1000,
      runAsGroup: 0,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      procMount: 'Default',
      seccompProfile: { type: 'Localhost', localhostProfile: 'prof.json' },
      appArmorProfile: { type: 'Localhost', localhostProfile: 'aa' },
    },
    stdin: true,
    stdinOnce: true,
    tty: true,
  };
}

/** Every volume source, with all of its fields. */
export function volumes(): Record<string, any>[] {
  return [
    { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'p', mode: 0o400 }], defaultMode: 0o644, optional: true } },
    { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    { name: 'hp', hostPath: { path: '/tmp', type: 'DirectoryOrCreate' } },
    { name: 'sec', secret: { secretName: 'sec', items: [{ key: 'a', path: 'b' }], defaultMode: 0o600, optional: false } },
    { name: 'pvc', persistentVolumeClaim: { claimName: 'claim', readOnly: true } },
    { name: 'blk', persistentVolumeClaim: { claimName: 'blk' } },
    {
      name: 'dapi',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, mode: 0o444 },
          { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' } },
        ],
        defaultMode: 0o644,
      },
    },
    {
      name: 'proj',
      projected: {
        defaultMode: 0o440,
        sources: [
          { secret: { name: 'sec', items: [{ key: 'a', path: 'a' }], optional: true } },
          { configMap: { name: 'cm', items: [{ key: 'b', path: 'b' }], optional: false } },
          { downwardAPI: { items: [{ path: 'n', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } },
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
          { clusterTrustBundle: { signerName: 'example.com/signer', labelSelector: selector(), optional: true, path: 'ca.pem' } },
          { clusterTrustBundle: { name: 'bundle-1', path: 'bundle.pem' } },
        ],
      },
    },
    {
      name: 'eph',
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: { v: '1' }, annotations: { a: 'b' } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            selector: selector(),
            resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } },
            volumeName: 'pv1',
            storageClassName: '',
            volumeMode: 'Filesystem',
            dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
            dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap', namespace: 'other' },
            volumeAttributesClassName: 'gold',
          },
        },
      },
    },
    { name: 'csi', csi: { driver: 'csi.example.com', readOnly: true, fsType: 'ext4', volumeAttributes: { a: 'b' }, nodePublishSecretRef: { name: 'sec' } } },
    { name: 'img', image: { reference: 'quay.io/x/y:1', pullPolicy: 'IfNotPresent' } },
    { name: 'nfs', nfs: { server: 'nfs.local', path: '/exports', readOnly: true } },
    {
      name: 'iscsi',
      iscsi: {
        targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 1, iscsiInterface: 'default', fsType: 'ext4', readOnly: true,
        portals: ['10.0.0.2:3260'], chapAuthDiscovery: true, chapAuthSession: true, secretRef: { name: 'chap' }, initiatorName: 'iqn.2001-04.com.example:node',
      },
    },
    { name: 'gce', gcePersistentDisk: { pdName: 'disk', fsType: 'ext4', partition: 1, readOnly: true } },
    { name: 'aws', awsElasticBlockStore: { volumeID: 'vol-1', fsType: 'ext4', partition: 2, readOnly: true } },
    { name: 'git', gitRepo: { repository: 'https://example.com/r.git', revision: 'abc', directory: '.' } },
    { name: 'gluster', glusterfs: { endpoints: 'ep', path: 'vol', readOnly: true } },
    { name: 'rbd', rbd: { monitors: ['m1:6789'], image: 'img', fsType: 'ext4', pool: 'p', user: 'u', keyring: '/k', secretRef: { name: 's' }, readOnly: true } },
    { name: 'flex', flexVolume: { driver: 'ex/flex', fsType: 'ext4', secretRef: { name: 's' }, readOnly: true, options: { o: 'v' } } },
    { name: 'cinder', cinder: { volumeID: 'c1', fsType: 'ext4', readOnly: true, secretRef: { name: 's' } } },
    { name: 'ceph', cephfs: { monitors: ['m:6789'], path: '/', user: 'admin', secretFile: '/f', secretRef: { name: 's' }, readOnly: true } },
    { name: 'flocker', flocker: { datasetName: 'ds', datasetUUID: 'uuid' } },
    { name: 'fc', fc: { targetWWNs: ['500a0982991b8dc5'], lun: 0, fsType: 'ext4', readOnly: true } },
    { name: 'fc2', fc: { wwids: ['3600508b400105e210000900000490000'] } },
    { name: 'azf', azureFile: { secretName: 's', shareName: 'share', readOnly: true } },
    { name: 'vs', vsphereVolume: { volumePath: '[ds] v.vmdk', fsType: 'ext4', storagePolicyName: 'gold', storagePolicyID: 'id1' } },
    { name: 'qb', quobyte: { registry: 'r:7861', volume: 'v', readOnly: true, user: 'u', group: 'g', tenant: 't' } },
    { name: 'azd', azureDisk: { diskName: 'd', diskURI: 'https://d', cachingMode: 'ReadOnly', fsType: 'ext4', readOnly: false, kind: 'Managed' } },
    { name: 'photon', photonPersistentDisk: { pdID: 'p1', fsType: 'ext4' } },
    { name: 'pwx', portworxVolume: { volumeID: 'pw', fsType: 'ext4', readOnly: true } },
    {
      name: 'sio',
      scaleIO: {
        gateway: 'https://gw', system: 'sys', secretRef: { name: 's' }, sslEnabled: true, protectionDomain: 'pd', storagePool: 'sp',
        storageMode: 'ThinProvisioned', volumeName: 'vn', fsType: 'xfs', readOnly: true,
      },
    },
    { name: 'sos', storageos: { volumeName: 'v', volumeNamespace: 'ns', fsType: 'ext4', readOnly: true, secretRef: { name: 's' } } },
  ];
}

/** A pod template's spec with every PodSpec field a template may hold (all but ephemeralContainers). */
export function templatePodSpec(): Record<string, any> {
  return {
    volumes: volumes(),
    initContainers: [
      {
        ...container('init'),
        restartPolicy: 'Always',
        livenessProbe: { tcpSocket: { port: 8080, host: 'localhost' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        lifecycle: { postStart: { exec: { command: ['touch', '/started'] } }, preStop: { httpGet: { path: '/stop', port: 8080, scheme: 'HTTP' } } },
        securityContext: { windowsOptions: { gmsaCredentialSpecName: 'g', gmsaCredentialSpec: '{}', runAsUserName: 'u', hostProcess: false }, runAsUser: 0 },
      },
    ],
    containers: [container('main')],
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    activeDeadlineSeconds: 600,
    dnsPolicy: 'None',
    nodeSelector: { disk: 'ssd' },
    serviceAccountName: 'default',
    serviceAccount: 'default',
    automountServiceAccountToken: false,
    nodeName: 'node-1',
    hostNetwork: true,
    hostPID: true,
    hostIPC: true,
    shareProcessNamespace: false,
    securityContext: {
      seLinuxOptions: { level: 's0:c1' },
      windowsOptions: { gmsaCredentialSpecName: 'g', gmsaCredentialSpec: '{}', runAsUserName: 'u', hostProcess: false },
      runAsUser: 1000,
      runAsGroup: 2000,
      runAsNonRoot: true,
      supplementalGroups: [3000, 0],
      supplementalGroupsPolicy: 'Merge',
      fsGroup: 0,
      sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
      appArmorProfile: { type: 'RuntimeDefault' },
      seLinuxChangePolicy: 'Recursive',
    },
    imagePullSecrets: [{ name: 'regcred' }],
    hostname: 'h',
    subdomain: 'sub',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n9'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: selector(), namespaces: ['default', 'other'], topologyKey: 'kubernetes.io/hostname', namespaceSelector: { matchLabels: { team: 't' } },
            matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'],
          },
        ],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: selector(), topologyKey: 'topology.kubernetes.io/zone' } }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'other' } }, topologyKey: 'kubernetes.io/hostname' }],
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: selector(), namespaces: ['default'], topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['k'] } },
        ],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 0 }, { operator: 'Exists' }],
    hostAliases: [{ ip: '10.0.0.9', hostnames: ['a.local', 'b.local'] }],
    priorityClassName: 'high',
    priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    runtimeClassName: 'runc',
    enableServiceLinks: false,
    preemptionPolicy: 'Never',
    overhead: { cpu: '10m', memory: '1Mi' },
    topologySpreadConstraints: [
      {
        maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector(), minDomains: 3,
        nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore', matchLabelKeys: ['pod-template-hash'],
      },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ],
    setHostnameAsFQDN: false,
    os: { name: 'linux' },
    hostUsers: false,
    schedulingGates: [{ name: 'example.com/gate' }],
    resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-tmpl' }, { name: 'fpga', resourceClaimName: 'fpga-claim' }],
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1' } },
  };
}

/** A whole PodSpec: the template's plus an ephemeral container. */
export function podSpec(): Record<string, any> {
  return { ...templatePodSpec(), ephemeralContainers: [{ ...container('dbg'), targetContainerName: 'main' }] };
}

function containerStatus(name: string): Record<string, any> {
  return {
    name,
    state: { running: { startedAt: '2024-05-06T07:09:00Z' }, waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
    lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'killed', startedAt: '2024-05-06T07:08:30Z', finishedAt: '2024-05-06T07:08:50Z', containerID: 'containerd://abc' } },
    ready: true,
    restartCount: 2,
    image: 'docker.io/library/busybox:1.36',
    imageID: 'docker.io/library/busybox@sha256:0123',
    containerID: 'containerd://def',
    started: false,
    allocatedResources: { cpu: '100m', memory: '64Mi' },
    resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' }, claims: [{ name: 'gpu' }] },
    volumeMounts: [{ name: 'cfg', mountPath: '/cfg', readOnly: true, recursiveReadOnly: 'Disabled' }],
    user: { linux: { uid: 1000, gid: 2000, supplementalGroups: [3000, 4000] } },
    allocatedResourcesStatus: [{ name: 'claim:gpu/r1', resources: [{ resourceID: 'gpu-0', health: 'Healthy' }] }],
  };
}

export function podStatus(): Record<string, any> {
  return {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: '2024-05-06T07:09:10Z', lastTransitionTime: '2024-05-06T07:09:11Z', reason: 'Ok', message: 'all good' }],
    message: 'running',
    reason: 'Started',
    nominatedNodeName: 'node-2',
    hostIP: '10.0.0.1',
    hostIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }],
    podIP: '10.1.0.5',
    podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd01::5' }],
    startTime: '2024-05-06T07:08:59Z',
    initContainerStatuses: [containerStatus('init')],
    containerStatuses: [containerStatus('main')],
    qosClass: 'Burstable',
    ephemeralContainerStatuses: [containerStatus('dbg')],
    resize: 'InProgress',
    resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'sink-gpu-x1' }],
  };
}

export function pod(): Record<string, any> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: objectMeta('sink'), spec: podSpec(), status: podStatus() };
}

/** A JobSpec with every field but selector and manualSelector (the server sets those), around the pod spec given. */
export function jobSpec(spec: Record<string, any> = podSpec()): Record<string, any> {
  return {
    parallelism: 2,
    completions: 3,
    activeDeadlineSeconds: 3600,
    podFailurePolicy: {
      rules: [
        { action: 'FailIndex', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] },
    backoffLimit: 0,
    backoffLimitPerIndex: 1,
    maxFailedIndexes: 1,
    ttlSecondsAfterFinished: 0,
    completionMode: 'Indexed',
    suspend: true,
    podReplacementPolicy: 'Failed',
    managedBy: 'kubernetes.io/job-controller',
    template: { metadata: { labels: { app: 'sink' }, annotations: { t: 'x' } }, spec },
  };
}

export function job(): Record<string, any> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta('sink'),
    spec: { ...jobSpec(), selector: selector(), manualSelector: true },
    status: {
      conditions: [{ type: 'Complete', status: 'True', lastProbeTime: '2024-05-06T08:00:00Z', lastTransitionTime: '2024-05-06T08:00:01Z', reason: 'Done', message: 'done' }],
      startTime: '2024-05-06T07:00:00Z',
      completionTime: '2024-05-06T08:00:00Z',
      active: 1,
      succeeded: 2,
      failed: 3,
      terminating: 0,
      completedIndexes: '0-1',
      failedIndexes: '2',
      uncountedTerminatedPods: { succeeded: ['uid-1'], failed: ['uid-2'] },
      ready: 0,
    },
  };
}

export function cronJob(): Record<string, any> {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: objectMeta('sink'),
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'Europe/Paris',
      startingDeadlineSeconds: 0,
      concurrencyPolicy: 'Forbid',
      suspend: false,
      jobTemplate: { metadata: { labels: { app: 'sink' }, annotations: { j: 'y' } }, spec: { ...jobSpec(), selector: selector(), manualSelector: false } },
      successfulJobsHistoryLimit: 0,
      failedJobsHistoryLimit: 1,
    },
    status: {
      active: [{ kind: 'Job', namespace: 'default', name: 'sink-1', uid: 'u1', apiVersion: 'batch/v1', resourceVersion: '7', fieldPath: 'spec' }],
      lastScheduleTime: '2024-05-06T07:05:00Z',
      lastSuccessfulTime: '2024-05-06T07:06:00Z',
    },
  };
}

export function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta('sink'),
    spec: {
      replicas: 0,
      selector: selector(),
      template: { metadata: { labels: { app: 'sink' } }, spec: { ...podSpec(), restartPolicy: 'Always' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      minReadySeconds: 5,
      revisionHistoryLimit: 0,
      paused: true,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas: 4,
      updatedReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: '2024-05-06T07:10:00Z', lastTransitionTime: '2024-05-06T07:10:01Z', reason: 'MinimumReplicasAvailable', message: 'ok' },
      ],
      collisionCount: 0,
    },
  };
}

export function service(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta('sink'),
    spec: {
      ports: [{ name: 'https', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c', port: 443, targetPort: 'https', nodePort: 30443 }, { port: 80, targetPort: 8080 }],
      selector: { app: 'sink' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10', 'fd00::10'],
      type: 'LoadBalancer',
      externalIPs: ['192.0.2.1'],
      sessionAffinity: 'ClientIP',
      loadBalancerIP: '192.0.2.2',
      loadBalancerSourceRanges: ['192.0.2.0/24'],
      externalName: 'ext.example.com',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30000,
      publishNotReadyAddresses: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'PreferDualStack',
      allocateLoadBalancerNodePorts: false,
      loadBalancerClass: 'example.com/lb',
      internalTrafficPolicy: 'Cluster',
      trafficDistribution: 'PreferClose',
    },
    status: {
      loadBalancer: { ingress: [{ ip: '192.0.2.3', hostname: 'lb.example.com', ipMode: 'Proxy', ports: [{ port: 443, protocol: 'TCP', error: '' }] }] },
      conditions: [{ type: 'Ready', status: 'True', observedGeneration: 3, lastTransitionTime: '2024-05-06T07:11:00Z', reason: 'Ok', message: 'ready' }],
    },
  };
}

export function namespace(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: objectMeta('sink'),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2024-05-06T07:12:00Z', reason: 'Ok', message: 'none' }] },
  };
}

export function configMap(): Record<string, any> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta('sink'), immutable: false, data: { a: '1' }, binaryData: { b: 'AAEC' } };
}

export function secret(): Record<string, any> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: objectMeta('sink'), immutable: true, data: { p: 'aHVudGVyMg==' }, stringData: { s: 'x' }, type: 'Opaque' };
}

export function serviceAccount(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta('sink'),
    secrets: [{ kind: 'Secret', namespace: 'default', name: 'tok', uid: 'u', apiVersion: 'v1', resourceVersion: '1', fieldPath: 'data' }],
    imagePullSecrets: [{ name: 'regcred' }],
    automountServiceAccountToken: false,
  };
}

export function binding(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: objectMeta('sink'),
    target: { kind: 'Node', namespace: 'default', name: 'node-1', uid: 'u', apiVersion: 'v1', resourceVersion: '9', fieldPath: 'x' },
  };
}

export function tokenRequest(): Record<string, any> {
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: objectMeta('bot'),
    spec: { audiences: ['api', 'vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'sink', uid: 'u' } },
    status: { token: 'eyJ...', expirationTimestamp: '2024-05-06T08:00:00Z' },
  };
}

export function deleteOptions(): Record<string, any> {
  return {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u', resourceVersion: '5' },
    orphanDependents: false,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
    ignoreStoreReadErrorWithClusterBreakingPotential: false,
  };
}

export function eviction(): Record<string, any> {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: objectMeta('sink'), deleteOptions: deleteOptions() };
}

export function podDisruptionBudget(): Record<string, any> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta('sink'),
    spec: { minAvailable: '50%', selector: selector(), maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    status: {
      observedGeneration: 3,
      disruptedPods: { 'sink-abc': '2024-05-06T07:13:00Z' },
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 4,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 3, lastTransitionTime: '2024-05-06T07:13:01Z', reason: 'SufficientPods', message: 'ok' }],
    },
  };
}

const rule = () => ({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'], nonResourceURLs: ['/healthz'] });
const subjects = () => [{ kind: 'ServiceAccount', name: 'bot', namespace: 'default' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ann' }];

export function role(): Record<string, any> {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: objectMeta('sink'), rules: [rule()] };
}

export function clusterRole(): Record<string, any> {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: objectMeta('sink'), rules: [rule()], aggregationRule: { clusterRoleSelectors: [selector()] } };
}

export function roleBinding(): Record<string, any> {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: objectMeta('sink'), subjects: subjects(), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sink' } };
}

export function clusterRoleBinding(): Record<string, any> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: objectMeta('sink'),
    subjects: subjects(),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'sink' },
  };
}

export function ingress(): Record<string, any> {
  const backend = { service: { name: 'web', port: { name: 'http', number: 80 } }, resource: { apiGroup: 'example.com', kind: 'Bucket', name: 'b' } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMeta('sink'),
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: backend,
      tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.4', hostname: 'lb.example.com', ports: [{ port: 443, protocol: 'TCP', error: 'Pending' }] }] } },
  };
}

export function priorityClass(): Record<string, any> {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: objectMeta('sink'), value: 0, globalDefault: true, description: 'd', preemptionPolicy: 'Never' };
}

const userInfo = () => ({ username: 'ann', uid: 'u1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a', 'b'], empty: [] } });
const resourceAttributes = () => ({
  namespace: 'default',
  verb: 'list',
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  subresource: 'scale',
  name: 'web',
  fieldSelector: { rawSelector: 'metadata.name=web', requirements: [{ key: 'metadata.name', operator: 'In', values: ['web'] }] },
  labelSelector: { rawSelector: 'app=web', requirements: [{ key: 'app', operator: 'In', values: ['web'] }] },
});
const accessStatus = () => ({ allowed: true, denied: true, reason: 'because', evaluationError: 'none' });

export function selfSubjectReview(): Record<string, any> {
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: objectMeta('sink'), status: { userInfo: userInfo() } };
}

export function tokenReview(): Record<string, any> {
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: objectMeta('sink'),
    spec: { token: 'eyJ...', audiences: ['api'] },
    status: { authenticated: true, user: userInfo(), audiences: ['api'], error: 'none' },
  };
}

export function selfSubjectAccessReview(): Record<string, any> {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: objectMeta('sink'),
    spec: { resourceAttributes: resourceAttributes(), nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    status: accessStatus(),
  };
}

export function subjectAccessReview(kind = 'SubjectAccessReview'): Record<string, any> {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind,
    metadata: objectMeta('sink'),
    spec: {
      resourceAttributes: resourceAttributes(),
      nonResourceAttributes: { path: '/healthz', verb: 'get' },
      user: 'ann',
      groups: ['dev'],
      extra: { scopes: ['a'] },
      uid: 'u1',
    },
    status: accessStatus(),
  };
}

export function selfSubjectRulesReview(): Record<string, any> {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: objectMeta('sink'),
    spec: { namespace: 'default' },
    status: {
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: true,
      evaluationError: 'partial',
    },
  };
}

export function horizontalPodAutoscaler(): Record<string, any> {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMeta('sink'),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 0, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
    status: { observedGeneration: 3, lastScaleTime: '2024-05-06T07:14:00Z', currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 0 },
  };
}
