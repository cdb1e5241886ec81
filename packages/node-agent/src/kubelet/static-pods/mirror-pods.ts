/**
 * Mirror pods: the API server's read-only copies of this node's static pods, so that kubectl and the scheduler see
 * them. Each carries the static pod's annotations plus kubernetes.io/config.mirror (its hash) and is owned by the
 * Node. They are kept in line with the static pods on every change and every `resyncMs`:
 *
 *   a static pod without a mirror                  -> created
 *   a mirror of an older version of the manifest   -> replaced
 *   a mirror someone deleted (deletionTimestamp)   -> removed at once and created again; the pod keeps running
 *   a mirror of no static pod                      -> removed
 *
 * The node agent's status writes for a static pod go to its mirror.
 */
import type { Pod } from '@skiff/api';
import { isAlreadyExists, isConflict, isNotFound, type Client } from '@skiff/client';
import type { Logger } from 'pino';
import { CONFIG_MIRROR, isMirrorPod } from './config-annotations.js';

export interface MirrorPodsOptions {
  client: Client;
  nodeName: string;
  /** The Node's UID once registered (the owner reference needs it). */
  nodeUid: () => string | undefined;
  staticPods: () => Pod[];
  /** The API server's pods bound to this node (the informer's cache). */
  apiPods: () => Pod[];
  /** A mirror was (re)created for the static pod with this UID: its status has to be written again. */
  created: (staticUid: string) => void;
  resyncMs: number;
  logger: Logger;
}

const key = (p: Pod) => `${p.metadata!.namespace}/${p.metadata!.name}`;

export class MirrorPods {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly o: MirrorPodsOptions) {}

  start(): void {
    this.poke();
    this.timer = setInterval(() => this.poke(), this.o.resyncMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
  }

  /** Something changed (a static pod, or a mirror pod in the API server): sync shortly. */
  poke(): void {
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.run();
    }, 50);
  }

  /** Waits for the sync in progress, if any (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sync()
      .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'syncing mirror pods failed; trying again'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.run();
        }
      });
  }

  private async sync(): Promise<void> {
    const nodeUid = this.o.nodeUid();
    if (!nodeUid) return;
    const mirrors = new Map(this.o.apiPods().filter(isMirrorPod).map((p) => [key(p), p]));
    const wanted = new Map(this.o.staticPods().map((p) => [key(p), p]));
    for (const [k, mirror] of mirrors) {
      const pod = wanted.get(k);
      const current = pod && !mirror.metadata?.deletionTimestamp && mirror.metadata?.annotations?.[CONFIG_MIRROR] === pod.metadata!.uid;
      if (current) continue;
      await this.remove(mirror);
      mirrors.delete(k);
    }
    for (const [k, pod] of wanted) {
      if (mirrors.has(k) || this.stopped) continue;
      await this.create(pod, nodeUid);
    }
  }

  private async remove(mirror: Pod): Promise<void> {
    const m = mirror.metadata!;
    try {
      await this.o.client.resource<Pod>('v1/pods').namespace(m.namespace!).delete(m.name!, { gracePeriodSeconds: 0, preconditions: { uid: m.uid } });
      this.o.logger.info({ pod: key(mirror) }, 'mirror pod removed');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async create(pod: Pod, nodeUid: string): Promise<void> {
    const m = pod.metadata!;
    const mirror: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: m.name,
        namespace: m.namespace,
        labels: m.labels,
        annotations: { ...m.annotations, [CONFIG_MIRROR]: m.uid! },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: nodeUid, controller: true }],
      },
      spec: pod.spec,
    };
    try {
      await this.o.client.resource<Pod>('v1/pods').namespace(m.namespace!).create(mirror);
    } catch (err) {
      // One by that name that is not our mirror (someone created a pod of the same name): the static pod runs anyway.
      if (isAlreadyExists(err)) {
        this.o.logger.warn({ pod: key(pod) }, 'a pod of the static pod\'s name exists in the API server and is not its mirror');
        return;
      }
      throw err;
    }
    this.o.logger.info({ pod: key(pod) }, 'mirror pod created');
    this.o.created(m.uid!);
  }
}
