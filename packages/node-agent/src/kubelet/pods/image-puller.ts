/**
 * Makes a container's image present, honouring imagePullPolicy, with the kubelet's events and back-off:
 *
 *   Never          present -> ok;          missing -> ErrImageNeverPull
 *   IfNotPresent   present -> ok ("already present on machine"); missing -> pull
 *   Always         pull (the runtime resolves it again; our runtime succeeds for images in its store)
 *   pull failed    ErrImagePull (Failed events), and a back-off per pod and image: while it lasts the container
 *                  waits with ImagePullBackOff (BackOff event) instead of pulling again
 */
import { defaultPullPolicy } from '@skiff/api';
import type { CriClient } from '../../cri/cri-client.js';
import type { Backoff } from './backoff.js';

export type PullOutcome = { ok: true; imageRef: string } | { ok: false; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull'; message: string };

export type RecordEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export class ImagePuller {
  constructor(
    private readonly cri: CriClient,
    private readonly backoff: Backoff,
  ) {}

  async ensure(podUid: string, container: any, record: RecordEvent): Promise<PullOutcome> {
    const image: string = container.image;
    const policy: string = container.imagePullPolicy ?? defaultPullPolicy(image);
    const present = (await this.cri.imageStatus({ image: { image } })).image;
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        record('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { ok: true, imageRef: present.id };
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      record('Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${podUid}/${image}`;
    const wait = this.backoff.check(key, this.backoffEventTime(key));
    if (wait.waiting) {
      const message = `Back-off pulling image "${image}"`;
      record('Normal', 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message };
    }
    record('Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = performance.now();
    try {
      const { imageRef } = await this.cri.pullImage({ image: { image } });
      const ms = Math.round(performance.now() - t0);
      const size = (await this.cri.imageStatus({ image: { image: imageRef } }).catch(() => undefined))?.image?.size;
      record('Normal', 'Pulled', `Successfully pulled image "${image}" in ${ms}ms (${ms}ms including waiting).${size ? ` Image size: ${size} bytes.` : ''}`);
      this.backoff.reset(key);
      this.failedAt.delete(key);
      return { ok: true, imageRef };
    } catch (err) {
      const why = (err as Error).message.replace(/^PullImage: /, '');
      this.backoff.next(key, Date.now());
      this.failedAt.set(key, Date.now());
      record('Warning', 'Failed', `Failed to pull image "${image}": ${why}`);
      record('Warning', 'Failed', 'Error: ErrImagePull');
      return { ok: false, reason: 'ErrImagePull', message: `failed to pull and unpack image "${image}": ${why}` };
    }
  }

  /** How long until a pull of `image` for the pod may be tried again (a retry timer's delay). */
  retryDelay(podUid: string, image: string): number {
    const key = `${podUid}/${image}`;
    const wait = this.backoff.check(key, this.backoffEventTime(key));
    return Math.max(100, wait.until - Date.now());
  }

  /** Forgets a pod's pull back-offs (it went away). */
  forget(podUid: string): void {
    this.backoff.forget(`${podUid}/`);
    for (const key of this.failedAt.keys()) if (key.startsWith(`${podUid}/`)) this.failedAt.delete(key);
  }

  private readonly failedAt = new Map<string, number>();

  private backoffEventTime(key: string): number {
    return this.failedAt.get(key) ?? Date.now();
  }
}
