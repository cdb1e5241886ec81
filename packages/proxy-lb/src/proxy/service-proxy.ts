// The service proxy: virtual services as listeners, backends in the load-balancing core, and the upkeep that
// keeps both honest (connection-table sweeps, UDP session expiry, retiring backends whose connections ended).
// Changes come through add/update/remove or apply(desired state); established connections survive them.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import type { EngineKind, LbCore } from '../core.js';
import { createLbCore } from '../engine-factory.js';
import { LbError } from '../errors.js';
import { kernelMaglevTableSize, kernelServiceFor } from '../kernel/kernel-service.js';
import { NftDataPath, type NftDataPathOptions } from '../kernel/nft-data-path.js';
import { BackendSet } from './backend-set.js';
import type { Listener, ListenerContext } from './listener.js';
import { TcpListener } from './tcp-listener.js';
import { UdpListener } from './udp-listener.js';
import { needsInterface, type VipInterface } from './vip-interface.js';
import type { ProxyEvents, VirtualServiceSpec, VirtualServiceStatus } from './virtual-service.js';

export interface ServiceProxyOptions {
  engine?: EngineKind;
  /** Connection-table capacity (flows plus affinity entries). */
  maxFlows?: number;
  logger?: Logger;
  /** How long a backend gets to accept a connection before the next is tried. Default 2,000 ms. */
  connectTimeoutMs?: number;
  /** Backends tried per connection. Default 3. */
  maxAttempts?: number;
  /** Upkeep period. Default 1,000 ms. */
  sweepIntervalMs?: number;
  /** Where to hold virtual-service addresses (VipInterface); none: addresses must already be local. */
  vipInterface?: VipInterface;
  /**
   * Serve what the kernel can (TCP/UDP on specific addresses with rr, wrr, sh, dh or mh, no session affinity) with
   * nftables DNAT rules, as kube-proxy's nftables mode does; the rest, and everything while the rules cannot be
   * written, stays with the userspace listeners. Needs root (CAP_NET_ADMIN) and the nft command.
   */
  kernelDataPath?: NftDataPathOptions;
}

interface Runtime {
  spec: VirtualServiceSpec;
  ctx: ListenerContext;
  listener: Listener;
}

export interface ApplyResult {
  failed: { name: string; error: Error }[];
}

function sameEndpoint(a: VirtualServiceSpec, b: VirtualServiceSpec): boolean {
  return a.address === b.address && a.port === b.port && a.protocol === b.protocol;
}

export class ServiceProxy extends EventEmitter<ProxyEvents> {
  readonly core: LbCore;
  private readonly log: Logger;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly timer: NodeJS.Timeout;
  private readonly opts: Required<Pick<ServiceProxyOptions, 'connectTimeoutMs' | 'maxAttempts'>>;
  private readonly vip: VipInterface | undefined;
  private readonly kernel: NftDataPath | undefined;
  private vipReady: Promise<unknown> | undefined;
  /** Changes run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: ServiceProxyOptions = {}) {
    super();
    this.core = createLbCore({ engine: opts.engine, maxFlows: opts.maxFlows });
    this.log = opts.logger ?? pino({ name: 'skiff-proxy' });
    this.opts = { connectTimeoutMs: opts.connectTimeoutMs ?? 2000, maxAttempts: opts.maxAttempts ?? 3 };
    if (!Number.isInteger(this.opts.maxAttempts) || this.opts.maxAttempts < 1 || this.opts.maxAttempts > 64) {
      throw new LbError('InvalidArgument', 'maxAttempts must be an integer from 1 to 64');
    }
    this.vip = opts.vipInterface;
    this.kernel = opts.kernelDataPath ? new NftDataPath({ logger: this.log, ...opts.kernelDataPath }) : undefined;
    this.timer = setInterval(() => this.upkeep(), opts.sweepIntervalMs ?? 1000);
    this.timer.unref();
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new LbError('Closed');
      return f();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  addService(spec: VirtualServiceSpec): Promise<void> {
    return this.serial(() => this.doAdd(spec));
  }

  updateService(spec: VirtualServiceSpec): Promise<void> {
    return this.serial(() => this.doUpdate(spec));
  }

  removeService(name: string): Promise<void> {
    return this.serial(() => this.doRemove(name));
  }

  /**
   * Makes the proxy serve exactly `specs`. With `scope`, only services whose names start with it are touched,
   * so a watcher can apply one Kubernetes Service at a time (scope `namespace/name:`, the translation's naming).
   * A service that fails (say, its port is taken) does not stop the rest.
   */
  apply(specs: VirtualServiceSpec[], opts: { scope?: string } = {}): Promise<ApplyResult> {
    const scope = opts.scope ?? '';
    const outside = specs.find((s) => !s.name.startsWith(scope));
    if (outside) return Promise.reject(new LbError('InvalidArgument', `${outside.name} is outside the scope "${scope}"`));
    return this.serial(async () => {
      const failed: ApplyResult['failed'] = [];
      const wanted = new Map(specs.map((s) => [s.name, s]));
      const attempt = async (name: string, f: () => Promise<void>) => {
        try {
          await f();
        } catch (error) {
          this.log.error({ err: error, service: name }, 'could not apply service');
          failed.push({ name, error: error as Error });
        }
      };
      for (const name of [...this.runtimes.keys()]) {
        if (name.startsWith(scope) && !wanted.has(name)) await attempt(name, () => this.doRemove(name));
      }
      for (const spec of wanted.values()) {
        await attempt(spec.name, () => (this.runtimes.has(spec.name) ? this.doUpdate(spec) : this.doAdd(spec)));
      }
      return { failed };
    });
  }

  private async doAdd(spec: VirtualServiceSpec): Promise<void> {
    if (this.runtimes.has(spec.name)) throw new LbError('DuplicateService', spec.name);
    // Port 0 asks for a free port, so it can clash with nothing; otherwise compare with the bound ports.
    const taken = spec.port === 0 ? undefined : [...this.runtimes.values()].find(
      (r) => r.spec.address === spec.address && r.spec.protocol === spec.protocol && r.listener.port === spec.port,
    );
    if (taken) throw new LbError('DuplicateService', `${spec.name} and ${taken.spec.name} share ${spec.address}:${spec.port}/${spec.protocol}`);
    const svc = this.core.addService({ protocol: spec.protocol, ...this.settings(spec) });
    const ctx: ListenerContext = {
      core: this.core,
      svc,
      backends: new BackendSet(this.core, svc, spec.protocol === 'tcp'),
      events: this,
      log: this.log,
      now: () => performance.now(),
      connectTimeoutMs: this.opts.connectTimeoutMs,
      maxAttempts: this.opts.maxAttempts,
      flowEnded: () => ctx.backends.reap(),
      removed: false,
    };
    try {
      ctx.backends.apply(spec.backends);
      if (this.vip && needsInterface(spec.address)) await this.holdAddress(spec.address);
      const listener = spec.protocol === 'tcp' ? new TcpListener(spec, ctx) : new UdpListener(spec, ctx);
      await listener.start().catch((e: Error) => {
        throw new LbError('BindFailed', `${spec.name} on ${spec.address}:${spec.port}/${spec.protocol}: ${e.message}`, { cause: e });
      });
      const rt = { spec, ctx, listener };
      this.runtimes.set(spec.name, rt);
      this.toKernel(rt);
      this.log.info({ service: spec.name, address: spec.address, port: listener.port, protocol: spec.protocol, backends: spec.backends.length }, 'service added');
    } catch (e) {
      ctx.removed = true;
      this.core.removeService(svc);
      await this.releaseAddress(spec.address);
      throw e;
    }
  }

  /** Hands the service to the kernel data path, or takes it back when the kernel cannot serve it as it is now. */
  private toKernel(rt: Runtime): void {
    this.kernel?.set(rt.spec.name, kernelServiceFor(rt.spec, rt.listener.port, this.core, rt.ctx.svc, rt.ctx.backends));
  }

  private settings(spec: VirtualServiceSpec) {
    const kernelTable = this.kernel && spec.scheduler === 'mh' && spec.maglevTableSize === undefined;
    return {
      scheduler: spec.scheduler,
      maglevTableSize: kernelTable ? kernelMaglevTableSize(spec.backends.length) : spec.maglevTableSize,
      flowTimeoutMs: spec.protocol === 'udp' ? spec.udpFlowTimeoutMs : undefined,
      affinityTimeoutMs: (spec.affinityTimeoutSeconds ?? 0) * 1000,
    };
  }

  private async doUpdate(spec: VirtualServiceSpec): Promise<void> {
    const rt = this.runtimes.get(spec.name);
    if (!rt) throw new LbError('UnknownService', spec.name);
    if (!sameEndpoint(rt.spec, spec)) {
      await this.doRemove(spec.name);
      await this.doAdd(spec);
      return;
    }
    this.core.configureService(rt.ctx.svc, this.settings(spec));
    rt.ctx.backends.apply(spec.backends);
    rt.listener.update(spec);
    rt.spec = spec;
    this.toKernel(rt);
  }

  private async doRemove(name: string): Promise<void> {
    const rt = this.runtimes.get(name);
    if (!rt) throw new LbError('UnknownService', name);
    this.runtimes.delete(name);
    this.kernel?.set(name, undefined);
    rt.ctx.removed = true;
    await rt.listener.close();
    this.core.removeService(rt.ctx.svc);
    await this.releaseAddress(rt.spec.address);
    this.log.info({ service: name }, 'service removed');
  }

  private async holdAddress(address: string): Promise<void> {
    this.vipReady ??= this.vip!.ensure().catch((e) => {
      this.vipReady = undefined;
      throw e;
    });
    await this.vipReady;
    await this.vip!.add(address);
  }

  /** Takes the address off the interface once no service uses it. */
  private async releaseAddress(address: string): Promise<void> {
    if (!this.vip || !needsInterface(address)) return;
    if ([...this.runtimes.values()].some((r) => r.spec.address === address)) return;
    await this.vip.remove(address);
  }

  private upkeep(): void {
    try {
      // Bounded work per tick; a table of a million entries is covered every few seconds.
      this.core.sweep(performance.now(), 1 << 18);
      for (const rt of this.runtimes.values()) {
        rt.listener.tick();
        rt.ctx.backends.reap();
      }
    } catch (err) {
      this.log.error({ err }, 'proxy upkeep failed');
    }
  }

  status(): VirtualServiceStatus[] {
    return [...this.runtimes.values()].map((rt) => ({
      name: rt.spec.name,
      address: rt.spec.address,
      port: rt.listener.port,
      protocol: rt.spec.protocol,
      scheduler: rt.spec.scheduler,
      dataPath: this.kernel?.serves(rt.spec.name) ? 'kernel' as const : 'userspace' as const,
      backends: rt.ctx.backends.status(),
    }));
  }

  /** The bound port of a service (useful when its spec asked for port 0). */
  portOf(name: string): number {
    const rt = this.runtimes.get(name);
    if (!rt) throw new LbError('UnknownService', name);
    return rt.listener.port;
  }

  /**
   * Resolves once every change so far is in the kernel's rules (at once without a kernel data path); rejects when
   * writing them failed, in which case the services are served in userspace.
   */
  kernelSettled(): Promise<void> {
    return this.kernel ? this.kernel.settled() : Promise.resolve();
  }

  /** Stops every listener, the kernel rules and the upkeep. Established TCP connections are left to finish. */
  close(): Promise<void> {
    return this.serial(async () => {
      for (const name of [...this.runtimes.keys()]) await this.doRemove(name);
      clearInterval(this.timer);
      this.closed = true;
      await this.kernel?.close().catch((err) => this.log.error({ err }, 'could not remove the kernel rules'));
    });
  }
}
