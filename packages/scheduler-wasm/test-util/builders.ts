import type { V1Container, V1Node, V1Pod, V1Taint, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';

/**
 * Builders for nodes and pods in tests, in the spirit of kube-scheduler's st.MakePod()/st.MakeNode(): plain
 * objects with only what a test sets.
 */
export class NodeBuilder {
  readonly node: V1Node;

  constructor(name: string) {
    this.node = {
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
    };
  }

  capacity(res: Record<string, string>): this {
    this.node.status!.allocatable = { ...this.node.status!.allocatable, ...res };
    return this;
  }

  label(key: string, value: string): this {
    this.node.metadata!.labels![key] = value;
    return this;
  }

  noLabels(): this {
    this.node.metadata!.labels = {};
    return this;
  }

  taint(key: string, value: string, effect: V1Taint['effect']): this {
    (this.node.spec!.taints ??= []).push({ key, value, effect });
    return this;
  }

  unschedulable(): this {
    this.node.spec!.unschedulable = true;
    return this;
  }

  image(names: string[], sizeBytes: number): this {
    (this.node.status!.images ??= []).push({ names, sizeBytes });
    return this;
  }

  obj(): V1Node {
    return this.node;
  }
}

export function makeNode(name: string): NodeBuilder {
  return new NodeBuilder(name);
}

export class PodBuilder {
  readonly pod: V1Pod;

  constructor(name: string, namespace = 'default') {
    this.pod = { metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels: {} }, spec: { containers: [{ name: 'c', image: 'app' }] } };
  }

  private get c0(): V1Container {
    return this.pod.spec!.containers[0]!;
  }

  req(res: Record<string, string>): this {
    this.c0.resources = { requests: { ...(this.c0.resources?.requests ?? {}), ...res } };
    return this;
  }

  container(c: V1Container): this {
    this.pod.spec!.containers.push(c);
    return this;
  }

  image(image: string): this {
    this.c0.image = image;
    return this;
  }

  label(key: string, value: string): this {
    this.pod.metadata!.labels![key] = value;
    return this;
  }

  node(name: string): this {
    this.pod.spec!.nodeName = name;
    return this;
  }

  priority(p: number): this {
    this.pod.spec!.priority = p;
    return this;
  }

  toleration(t: V1Toleration): this {
    (this.pod.spec!.tolerations ??= []).push(t);
    return this;
  }

  nodeSelector(sel: Record<string, string>): this {
    this.pod.spec!.nodeSelector = sel;
    return this;
  }

  hostPort(port: number, protocol = 'TCP', hostIP?: string): this {
    (this.c0.ports ??= []).push({ containerPort: port, hostPort: port, protocol, hostIP });
    return this;
  }

  spread(c: V1TopologySpreadConstraint): this {
    (this.pod.spec!.topologySpreadConstraints ??= []).push(c);
    return this;
  }

  affinity(a: NonNullable<V1Pod['spec']>['affinity']): this {
    this.pod.spec!.affinity = a;
    return this;
  }

  terminating(): this {
    this.pod.metadata!.deletionTimestamp = new Date(0);
    return this;
  }

  obj(): V1Pod {
    return this.pod;
  }
}

export function makePod(name: string, namespace = 'default'): PodBuilder {
  return new PodBuilder(name, namespace);
}
