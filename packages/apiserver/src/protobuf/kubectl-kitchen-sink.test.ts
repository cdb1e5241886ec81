/**
 * The real kubectl 1.32 encodes whole pod templates and pods with Kubernetes' own Go types and protobuf field
 * numbers (`kubectl create job --from=cronjob/NAME`, `kubectl debug --copy-to`); what the server stores must be what
 * was copied, field for field. With the kitchen sink's pod spec (every PodSpec field, every volume source) this
 * checks our .proto field numbers against kubectl's.
 */
import { describe, expect, it } from 'vitest';
import { serverWithKubectl } from '../../test-util/server.js';
import { jobSpec, templatePodSpec } from './kitchen-sink.js';

const live = serverWithKubectl();

const without = (o: Record<string, any>, ...keys: string[]): Record<string, any> => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('kubectl create job --from=cronjob (a protobuf Job carrying the CronJob template)', () => {
  const spec = jobSpec(templatePodSpec());
  const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { metadata: { labels: { app: 'sink' } }, spec } } };

  it('sends the Job as protobuf and keeps every field of the job template', async () => {
    await live.kubectl.ok(['create', '-f', await live.kubectl.file('nightly.json', JSON.stringify(cronJob))]);
    const run = await live.kubectl.run(['create', 'job', 'copy', '--from=cronjob/nightly', '-v=8']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/job.batch\/copy created/);
    // kubectl -v=8 logs the request: the POST of the Job is a protobuf body
    expect(run.stderr).toMatch(/POST .*\/apis\/batch\/v1\/namespaces\/default\/jobs/);
    expect(run.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);

    const stored = await live.kubectl.json(['get', 'cronjob', 'nightly']);
    const job = await live.kubectl.json(['get', 'job', 'copy']);
    const template = job.spec.template.spec;

    // The fields the gap used to drop, each as it was written
    const sink = spec.template.spec;
    for (const f of ['affinity', 'topologySpreadConstraints', 'dnsConfig', 'readinessGates', 'schedulingGates', 'os', 'hostUsers', 'overhead', 'resources', 'resourceClaims']) {
      expect({ [f]: template[f] }).toEqual({ [f]: sink[f] });
    }
    expect(template.containers[0].resizePolicy).toEqual([{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'memory', restartPolicy: 'RestartContainer' }]);
    expect(template.containers[0].volumeDevices).toEqual([{ name: 'blk', devicePath: '/dev/xvda' }]);
    expect(template.volumes).toEqual(sink.volumes);

    // ... and the whole pod template and job spec are the CronJob's, as the server stored them
    expect(template).toEqual(stored.spec.jobTemplate.spec.template.spec);
    expect(without(job.spec, 'selector', 'manualSelector', 'template')).toEqual(without(stored.spec.jobTemplate.spec, 'template'));
    expect(job.spec.podFailurePolicy).toEqual(spec.podFailurePolicy);
    expect(job.spec.successPolicy).toEqual(spec.successPolicy);
    expect(job.metadata.ownerReferences).toMatchObject([{ kind: 'CronJob', name: 'nightly', controller: true }]);
  });
});

describe('kubectl debug --copy-to (a protobuf Pod)', () => {
  it('keeps every field of the pod spec', async () => {
    // Priority admission refuses a pod that names its own priority or preemption policy
    const spec: Record<string, any> = { ...without(templatePodSpec(), 'priorityClassName', 'priority', 'preemptionPolicy'), restartPolicy: 'Always' };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sink', labels: { app: 'sink' } }, spec };
    await live.kubectl.ok(['create', '-f', await live.kubectl.file('sink.json', JSON.stringify(pod))]);
    await live.kubectl.ok(['debug', 'sink', '--copy-to=sink-copy', '--same-node', '--image=busybox', '--container=dbg', '--profile=general', '--', 'true']);
    const orig = await live.kubectl.json(['get', 'pod', 'sink']);
    const copy = await live.kubectl.json(['get', 'pod', 'sink-copy']);
    // kubectl drops the probes of the copied (not the init) containers and appends its debug container; --same-node
    // keeps nodeName
    const withoutProbes = (c: Record<string, any>) => without(c, 'livenessProbe', 'readinessProbe', 'startupProbe');
    expect(copy.spec.containers.map((c: any) => c.name)).toEqual(['main', 'dbg']);
    expect(copy.spec.containers[0]).toEqual(withoutProbes(orig.spec.containers[0]));
    expect(without(copy.spec, 'containers')).toEqual(without(orig.spec, 'containers'));
    expect(copy.spec.affinity).toEqual(spec.affinity);
    expect(copy.spec.topologySpreadConstraints).toEqual(spec.topologySpreadConstraints);
    expect(copy.spec.hostUsers).toBe(false);
  });
});
