// Keeps the kernel's nftables table in step with the virtual services the proxy hands it. Changes are coalesced:
// many add/update/remove calls in one turn of the event loop cost one `nft -f` run, so a proxy sync that applies
// a hundred Services rewrites the table once, not a hundred times.
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import { LbError } from '../errors.js';
import { renderRemoval, renderRuleset, validTableName, type KernelService } from './nft-ruleset.js';

export interface NftDataPathOptions {
  /** The inet table the proxy owns, default skiff_proxy. */
  table?: string;
  /** Source-NAT flows leaving through another interface (see renderRuleset). Default true. */
  masquerade?: boolean;
  logger?: Logger;
}

/** Runs an nft script in the proxy's own network namespace (the node's, where it runs in one). */
function runNft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new LbError('KernelRulesFailed', `nft: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new LbError('KernelRulesFailed', `nft exited with ${code}: ${stderr.trim().split('\n').slice(0, 6).join(' | ')}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(script);
  });
}

export const DEFAULT_NFT_TABLE = 'skiff_proxy';

/**
 * Removes table `inet <table>` if it exists; true when it did. A proxy killed with SIGKILL leaves its table behind,
 * and its rules would keep sending new flows to backends that may be gone: the next proxy clears it first.
 */
export async function removeKernelTable(table: string = DEFAULT_NFT_TABLE): Promise<boolean> {
  if (!validTableName(table)) throw new LbError('InvalidArgument', `nftables table name "${table}"`);
  // A plain delete fails exactly when there is no such table (or no nft): one run answers both questions.
  return runNft(`delete table inet ${table}\n`).then(() => true, () => false);
}

export class NftDataPath {
  readonly table: string;
  private readonly masquerade: boolean;
  private readonly log: Logger | undefined;
  private readonly services = new Map<string, KernelService>();
  private dirty = false;
  private running: Promise<void> | undefined;
  private scheduled: Promise<void> | undefined;
  private lastError: LbError | undefined;
  private written = new Set<string>();
  private closed = false;

  constructor(opts: NftDataPathOptions = {}) {
    this.table = opts.table ?? DEFAULT_NFT_TABLE;
    if (!validTableName(this.table)) throw new LbError('InvalidArgument', `nftables table name "${this.table}"`);
    this.masquerade = opts.masquerade ?? true;
    this.log = opts.logger;
  }

  /** Serves `name` in the kernel with `service`, or (undefined) leaves it to userspace. */
  set(name: string, service: KernelService | undefined): void {
    const had = this.services.get(name);
    if (service === undefined) {
      if (!had) return;
      this.services.delete(name);
    } else {
      if (had && JSON.stringify(had) === JSON.stringify(service)) return;
      this.services.set(name, service);
    }
    this.dirty = true;
    this.schedule();
  }

  /** Whether the table last written to the kernel serves `name`. */
  serves(name: string): boolean {
    return this.written.has(name);
  }

  /** Resolves when every change made so far is in the kernel; rejects with the write's error if it failed. */
  async settled(): Promise<void> {
    while (this.scheduled || this.running) await (this.scheduled ?? this.running);
    if (this.lastError) throw this.lastError;
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      // One write at a time; a change during a write is picked up by the next one.
      while (this.running) await this.running;
      this.scheduled = undefined;
      if (!this.dirty || this.closed) return;
      this.dirty = false;
      this.running = this.write().finally(() => (this.running = undefined));
      await this.running;
    });
  }

  private async write(): Promise<void> {
    const names = [...this.services.keys()];
    const services = [...this.services.values()];
    try {
      await runNft(renderRuleset(this.table, services, { masquerade: this.masquerade }));
      this.written = new Set(names);
      if (this.lastError) this.log?.info({ table: this.table }, 'kernel rules written again');
      this.lastError = undefined;
      this.log?.debug({ table: this.table, services: services.length }, 'kernel rules written');
    } catch (e) {
      const err = e instanceof LbError ? e : new LbError('KernelRulesFailed', String(e), { cause: e });
      if (!this.lastError) this.log?.error({ err, table: this.table }, 'could not write kernel rules; services stay in userspace');
      this.lastError = err;
      // Stale rules would send new flows to backends that may be gone; without the table every service is served
      // correctly, if slower, by its userspace listener.
      await runNft(renderRemoval(this.table)).catch(() => {});
      this.written = new Set();
    }
  }

  /** Removes the table: every kernel rule goes, established flows keep their conntrack entries. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled().catch(() => {});
    this.services.clear();
    this.written = new Set();
    await runNft(renderRemoval(this.table));
  }
}
