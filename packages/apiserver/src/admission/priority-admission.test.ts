/** PriorityClasses and the Priority admission of pods, through the API and the real kubectl. */
import { describe, expect, it } from 'vitest';
import { call, serverWithKubectl } from '../../test-util/server.js';

const live = serverWithKubectl();

const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';
const PODS = '/api/v1/namespaces/default/pods';

const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

describe('PriorityClasses', () => {
  it('exist for system-node-critical and system-cluster-critical from the start, listed by kubectl with their columns', async () => {
    const out = await live.kubectl.ok(['get', 'priorityclasses']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/);
    expect(lines.find((l) => l.startsWith('system-node-critical'))).toMatch(/^system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority$/);
    expect(lines.find((l) => l.startsWith('system-cluster-critical'))).toMatch(/\s2000000000\s+false\s/);
  });

  it('are created by kubectl create priorityclass (a protobuf body), a value of 0 included', async () => {
    await live.kubectl.ok(['create', 'priorityclass', 'zero', '--value=0', '--description=nothing special']);
    await live.kubectl.ok(['create', 'priorityclass', 'batch-low', '--value=-10', '--preemption-policy=Never']);
    const zero = (await call(live.server, 'GET', `${PCS}/zero`)).body;
    expect(zero).toMatchObject({ value: 0, description: 'nothing special', preemptionPolicy: 'PreemptLowerPriority' });
    expect((await call(live.server, 'GET', `${PCS}/batch-low`)).body).toMatchObject({ value: -10, preemptionPolicy: 'Never' });
  });

  it('refuse values above one billion, the system- prefix, and changes of value', async () => {
    const high = await call(live.server, 'POST', PCS, { metadata: { name: 'too-high' }, value: 1_000_000_001 });
    expect(high.status).toBe(422);
    expect(high.body.message).toContain('maximum allowed value of a user defined priority is 1000000000');
    const reserved = await call(live.server, 'POST', PCS, { metadata: { name: 'system-mine' }, value: 10 });
    expect(reserved.status).toBe(422);
    expect(reserved.body.message).toContain("priority class names with 'system-' prefix are reserved for system use only");
    const missing = await call(live.server, 'POST', PCS, { metadata: { name: 'no-value' } });
    expect(missing.status).toBe(422);
    expect(missing.body.details.causes).toContainEqual(expect.objectContaining({ field: 'value', reason: 'FieldValueRequired' }));
    const changed = await call(live.server, 'PATCH', `${PCS}/zero`, { value: 5 }, { 'content-type': 'application/merge-patch+json' });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('may not be changed in an update');
  });
});

describe('Priority admission of pods', () => {
  it('gives a pod without a class priority 0 while no class is the global default', async () => {
    const created = await call(live.server, 'POST', PODS, pod('plain'));
    expect(created.status).toBe(201);
    expect(created.body.spec.priority).toBe(0);
    expect(created.body.spec.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(created.body.spec.priorityClassName).toBeUndefined();
  });

  it("sets a pod's priority and preemption policy from its class", async () => {
    await call(live.server, 'POST', PCS, { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' });
    const created = await call(live.server, 'POST', PODS, pod('important', { priorityClassName: 'high' }));
    expect(created.status).toBe(201);
    expect(created.body.spec).toMatchObject({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
    const critical = await call(live.server, 'POST', PODS, pod('critical', { priorityClassName: 'system-node-critical' }));
    expect(critical.body.spec.priority).toBe(2_000_001_000);
  });

  it('refuses a pod naming a class that does not exist, or setting a priority of its own that disagrees', async () => {
    const unknown = await call(live.server, 'POST', PODS, pod('orphan', { priorityClassName: 'nope' }));
    expect(unknown.status).toBe(403);
    expect(unknown.body.message).toBe('pods "orphan" is forbidden: no PriorityClass with name nope was found');
    const own = await call(live.server, 'POST', PODS, pod('selfish', { priorityClassName: 'high', priority: 5 }));
    expect(own.status).toBe(403);
    expect(own.body.message).toContain('the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000');
    const agrees = await call(live.server, 'POST', PODS, pod('agreeing', { priorityClassName: 'high', priority: 1000 }));
    expect(agrees.status).toBe(201);
  });

  it('keeps the priority it set when a replacement leaves it out, and still refuses a change', async () => {
    const created = (await call(live.server, 'POST', PODS, pod('replaced'))).body;
    expect(created.spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    // As written by hand (or by a client that never read it back): no priority, no preemptionPolicy.
    const put = await call(live.server, 'PUT', `${PODS}/replaced`, { ...pod('replaced'), metadata: { name: 'replaced', labels: { round: '2' } } });
    expect(put.status).toBe(200);
    expect(put.body.spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(put.body.metadata.labels).toEqual({ round: '2' });
    const changed = await call(live.server, 'PUT', `${PODS}/replaced`, pod('replaced', { priority: 7 }));
    expect(changed.status).toBe(422);
  });

  it('gives pods without a class the global default class, and allows only one global default', async () => {
    const def = await call(live.server, 'POST', PCS, { metadata: { name: 'everyday' }, value: 50, globalDefault: true });
    expect(def.status).toBe(201);
    const created = await call(live.server, 'POST', PODS, pod('defaulted'));
    expect(created.body.spec).toMatchObject({ priorityClassName: 'everyday', priority: 50 });
    const second = await call(live.server, 'POST', PCS, { metadata: { name: 'another' }, value: 60, globalDefault: true });
    expect(second.status).toBe(403);
    expect(second.body.message).toContain('PriorityClass everyday is already marked as default. Only one default can exist');
    const viaKubectl = await live.kubectl.run(['create', 'priorityclass', 'third', '--value=70', '--global-default']);
    expect(viaKubectl.code).not.toBe(0);
    expect(viaKubectl.stderr).toContain('already marked as default');
  });
});
