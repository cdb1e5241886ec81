import { mkdir, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { PodSandboxConfig } from '../cri/cri-types.js';
import { NodeAgentError, invalid, notFound } from '../errors.js';
import type { ContainerBackend } from './backend.js';
import { nowNs } from './clock.js';
import { findById } from './id-index.js';
import { newId } from './ids.js';
import { KeyedMutex } from './keyed-mutex.js';
import { writeHostFiles, writeResolvConf } from './network/etc-files.js';
import { RecordStore } from './record-store.js';
import type { SandboxRecord } from './records.js';

/**
 * Pod sandboxes: the network namespace and /etc files a pod's containers share. There is no pause process: the
 * namespace is a bind mount (netns.ts), so a sandbox costs no memory and starts with no process. Stopping releases
 * the network (IP, veth, host ports); removing deletes the rest. Both are idempotent, as the CRI requires.
 */
export interface SandboxManagerOptions {
  dir: string;
  backend: ContainerBackend;
  logger: Logger;
}

/** Runtime handlers a sandbox may ask for: the default ("") and the backend's own name. */
function handlerOk(handler: string, backend: ContainerBackend): boolean {
  return handler === '' || handler === backend.name;
}

export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();
  private readonly store: RecordStore<SandboxRecord>;
  private readonly mutex = new KeyedMutex();
  private readonly logger: Logger;

  constructor(private readonly options: SandboxManagerOptions) {
    this.logger = options.logger.child({ component: 'sandboxes' });
    this.store = new RecordStore(options.dir, 'sandbox.json', this.logger);
  }

  async load(): Promise<void> {
    await this.store.init();
    for (const record of await this.store.loadAll()) this.records.set(record.id, record);
  }

  list(): SandboxRecord[] {
    return [...this.records.values()];
  }

  find(id: string): SandboxRecord | undefined {
    return findById(this.records, id, 'sandbox');
  }

  get(id: string): SandboxRecord {
    const record = this.find(id);
    if (!record) throw notFound('sandbox', id);
    return record;
  }

  async run(config: PodSandboxConfig, runtimeHandler: string): Promise<SandboxRecord> {
    const meta = config.metadata;
    if (!meta?.name || !meta.namespace || !meta.uid) throw invalid('pod sandbox config needs metadata with name, namespace and uid');
    if (!handlerOk(runtimeHandler, this.options.backend)) {
      throw invalid(`unknown runtime handler "${runtimeHandler}": this runtime offers "" and "${this.options.backend.name}"`);
    }
    const key = (m: typeof meta) => `${m.namespace}/${m.name}/${m.uid}/${m.attempt}`;
    const clash = this.list().find((s) => s.config.metadata && key(s.config.metadata) === key(meta));
    if (clash) {
      const name = `${meta.namespace}/${meta.name} (uid ${meta.uid}, attempt ${meta.attempt})`;
      throw new NodeAgentError('NameReserved', `pod sandbox name ${name} is already used by ${clash.id}`);
    }
    const hostNetwork = config.linux?.securityContext?.namespaceOptions?.network === 'NODE';
    const id = newId();
    const record: SandboxRecord = {
      id,
      config,
      runtimeHandler,
      createdAt: nowNs(),
      phase: 'notready',
      hostNetwork,
      network: { attachments: [] },
      dir: this.store.pathOf(id),
      backend: this.options.backend.name,
    };
    return this.mutex.run(id, async () => {
      await mkdir(record.dir, { recursive: true });
      try {
        await writeResolvConf(record.dir, config.dnsConfig);
        await this.options.backend.setupSandbox(record);
        await writeHostFiles(record.dir, hostNetwork ? '' : config.hostname, record.network.ip);
        record.phase = 'ready';
        await this.store.create(record);
      } catch (err) {
        await this.options.backend.teardownSandbox(record).catch((e: unknown) => this.logger.warn({ err: e, sandbox: id }, 'undoing a failed sandbox setup failed'));
        await rm(record.dir, { recursive: true, force: true });
        throw err;
      }
      this.records.set(id, record);
      this.logger.debug({ sandbox: id, ip: record.network.ip, pod: `${meta.namespace}/${meta.name}` }, 'pod sandbox ready');
      return record;
    });
  }

  /** Releases the sandbox's network. The caller stops its containers first. */
  async stop(id: string): Promise<void> {
    const record = this.get(id);
    await this.mutex.run(record.id, async () => {
      await this.options.backend.teardownSandbox(record);
      if (record.phase !== 'notready') {
        record.phase = 'notready';
        this.logger.debug({ sandbox: record.id }, 'pod sandbox stopped');
      }
      await this.store.save(record);
    });
  }

  /** Removes a stopped sandbox. Removing one that is gone is fine. */
  async remove(id: string): Promise<void> {
    const record = this.find(id);
    if (!record) return;
    await this.mutex.run(record.id, async () => {
      if (!this.records.has(record.id)) return;
      await this.options.backend.teardownSandbox(record);
      await this.store.remove(record.id);
      this.records.delete(record.id);
    });
  }
}
