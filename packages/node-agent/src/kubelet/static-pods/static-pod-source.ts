/**
 * Watches the static pod directory: rereads it every `checkMs` (the kubelet's --file-check-frequency, 20 s) and
 * soon after the directory changes, and tells the pod manager which static pods appeared and which went (a changed
 * manifest is one of each: its UID changes with it). Broken manifests are logged once per change and skipped;
 * the others run.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Pod } from '@skiff/api';
import type { Logger } from 'pino';
import { readStaticPods } from './static-pod-manifests.js';

export interface StaticPodHandlers {
  added(pod: Pod): void;
  removed(pod: Pod): void;
}

export class StaticPodSource {
  private pods = new Map<string, Pod>();
  private reported = '';
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly checkMs: number,
    private readonly handlers: StaticPodHandlers,
    private readonly logger: Logger,
  ) {}

  /** The static pods as of the last scan, by UID. */
  list(): Pod[] {
    return [...this.pods.values()];
  }

  has(uid: string): boolean {
    return this.pods.has(uid);
  }

  byName(namespace: string, name: string): Pod | undefined {
    for (const p of this.pods.values()) if (p.metadata?.namespace === namespace && p.metadata?.name === name) return p;
    return undefined;
  }

  /** Reads the directory once now (the first scan, before the pod manager adopts what the runtime runs). */
  async start(): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => this.rescan(), this.checkMs);
    this.timer.unref();
    try {
      this.watcher = watch(this.dir, () => {
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.rescan(), 200);
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // no directory yet: the periodic check picks it up once it exists
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.watcher?.close();
  }

  private rescan(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = this.scan()
      .catch((err: Error) => this.logger.warn({ dir: this.dir, err: err.message }, 'reading the static pod manifests failed'))
      .finally(() => {
        this.scanning = undefined;
        if (this.again) {
          this.again = false;
          this.rescan();
        }
      });
  }

  private async scan(): Promise<void> {
    const { pods, problems } = await readStaticPods(this.dir, this.nodeName, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    if (this.stopped) return;
    const report = JSON.stringify(problems);
    if (report !== this.reported) {
      for (const p of problems) this.logger.error({ dir: this.dir, file: p.file, err: p.message }, 'static pod manifest skipped');
      this.reported = report;
    }
    const before = this.pods;
    const next = new Map<string, Pod>();
    // A pod still described keeps the object first made of it (its config.seen time).
    for (const [uid, pod] of pods) next.set(uid, before.get(uid) ?? pod);
    this.pods = next;
    for (const [uid, pod] of before) if (!next.has(uid)) this.handlers.removed(pod);
    for (const [uid, pod] of next) {
      if (before.has(uid)) continue;
      this.logger.info({ pod: `${pod.metadata!.namespace}/${pod.metadata!.name}`, uid }, 'static pod found');
      this.handlers.added(pod);
    }
  }
}
