// Holds virtual-service addresses on an interface of their own, as kube-proxy's IPVS mode does with
// kube-ipvs0: an address on a local interface makes the kernel accept packets for it, so the proxy can bind
// it. The interface is a dummy when the kernel has the module, else an empty bridge (some VM kernels lack
// dummy; an up, port-less bridge holds local addresses just as well). Driven through iproute2's `ip`.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { LbError } from '../errors.js';

const run = promisify(execFile);

export interface VipInterfaceOptions {
  /** Interface name, default kube-ipvs0. */
  name?: string;
  /** Network namespace to act in (`ip -n`); default the proxy's own. */
  netns?: string;
  /** The iproute2 binary, default `ip`. */
  ipCommand?: string;
}

export type VipInterfaceKind = 'dummy' | 'bridge';

/** Addresses that need no interface: wildcards (node ports) and loopback, which is local already. */
export function needsInterface(address: string): boolean {
  if (address === '0.0.0.0' || address === '::' || address === '::1') return false;
  return !(net.isIPv4(address) && address.startsWith('127.'));
}

export class VipInterface {
  readonly name: string;
  private readonly netns: string | undefined;
  private readonly ip: string;

  constructor(opts: VipInterfaceOptions = {}) {
    this.name = opts.name ?? 'kube-ipvs0';
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(this.name)) throw new LbError('InvalidArgument', `interface name "${this.name}"`);
    this.netns = opts.netns;
    this.ip = opts.ipCommand ?? 'ip';
  }

  private async exec(args: string[]): Promise<string> {
    const full = this.netns ? ['-n', this.netns, ...args] : args;
    try {
      const { stdout } = await run(this.ip, full, { timeout: 10_000 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new LbError('InterfaceFailed', `${this.ip} ${full.join(' ')}: ${(err.stderr || err.message).trim()}`, { cause: e });
    }
  }

  private async exists(): Promise<boolean> {
    const out = await this.exec(['-j', 'link', 'show']);
    return (JSON.parse(out) as { ifname: string }[]).some((l) => l.ifname === this.name);
  }

  /** Creates the interface if missing and sets it up. Returns the kind it has when it was created, else undefined. */
  async ensure(): Promise<VipInterfaceKind | undefined> {
    let kind: VipInterfaceKind | undefined;
    if (!(await this.exists())) {
      try {
        await this.exec(['link', 'add', this.name, 'type', 'dummy']);
        kind = 'dummy';
      } catch (e) {
        if (!/Unknown device type|not supported/i.test((e as Error).message)) throw e;
        await this.exec(['link', 'add', this.name, 'type', 'bridge']);
        kind = 'bridge';
      }
    }
    await this.exec(['link', 'set', this.name, 'up']);
    return kind;
  }

  /** The addresses on the interface (link-local IPv6 excluded). */
  async addresses(): Promise<string[]> {
    const out = await this.exec(['-j', 'addr', 'show', 'dev', this.name]);
    const links = JSON.parse(out) as { addr_info?: { local: string; scope: string }[] }[];
    return links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => a.local));
  }

  async add(address: string): Promise<void> {
    if (!net.isIP(address)) throw new LbError('InvalidArgument', `not an IP address: ${address}`);
    const prefix = net.isIPv6(address) ? 128 : 32;
    // nodad: an IPv6 service address must be usable at once, not after duplicate detection.
    const extra = net.isIPv6(address) ? ['nodad'] : [];
    try {
      await this.exec(['addr', 'add', `${address}/${prefix}`, 'dev', this.name, ...extra]);
    } catch (e) {
      if (!/File exists|already assigned/i.test((e as Error).message)) throw e;
    }
  }

  async remove(address: string): Promise<void> {
    const prefix = net.isIPv6(address) ? 128 : 32;
    try {
      await this.exec(['addr', 'del', `${address}/${prefix}`, 'dev', this.name]);
    } catch (e) {
      if (!/Cannot assign requested address|not found/i.test((e as Error).message)) throw e;
    }
  }

  /** Makes the interface hold exactly `wanted`. */
  async sync(wanted: string[]): Promise<{ added: string[]; removed: string[] }> {
    const have = new Set(await this.addresses());
    const want = new Set(wanted);
    const added = [...want].filter((a) => !have.has(a));
    const removed = [...have].filter((a) => !want.has(a));
    for (const a of added) await this.add(a);
    for (const a of removed) await this.remove(a);
    return { added, removed };
  }

  async destroy(): Promise<void> {
    if (await this.exists()) await this.exec(['link', 'del', this.name]);
  }
}

/** The interface a proxy should use: kube-ipvs0 when running as root, none otherwise (binding needs root). */
export function defaultVipInterface(): VipInterface | undefined {
  return process.getuid?.() === 0 ? new VipInterface() : undefined;
}
