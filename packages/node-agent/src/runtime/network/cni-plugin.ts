import { CommandError, runCommand } from '../command-shell.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NodeAgentError } from '../../errors.js';

/**
 * Calls CNI plugins by the CNI protocol (spec 1.0): the plugin binary named by the config's `type`, found in
 * CNI_PATH, runs with CNI_COMMAND / CNI_CONTAINERID / CNI_NETNS / CNI_IFNAME / CNI_PATH in its environment and the
 * network configuration as JSON on stdin; it prints a result (ADD) or nothing (DEL), or an error object
 * `{ code, msg, details }` with a non-zero exit.
 *
 * A configuration list runs its plugins in order for ADD, each receiving the previous result as `prevResult`, and
 * in reverse order for DEL. Capabilities (here only `portMappings`) reach plugins that declare them through
 * `runtimeConfig`.
 */
export interface CniResult {
  cniVersion: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

export interface CniConfigList {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
}

export interface CniInvocation {
  pluginDir: string;
  containerId: string;
  netns: string;
  ifname: string;
  /** Capability arguments, e.g. { portMappings: [...] }. */
  capabilityArgs?: Record<string, unknown>;
  args?: Record<string, string>;
}

const TIMEOUT_MS = 60_000;

export function execPlugin(command: 'ADD' | 'DEL' | 'CHECK', config: Record<string, unknown>, inv: CniInvocation): Promise<CniResult | undefined> {
  const type = String(config.type ?? '');
  const binary = join(inv.pluginDir, type);
  if (!type || !existsSync(binary)) {
    return Promise.reject(
      new NodeAgentError(
        'NetworkSetupFailed',
        `CNI plugin "${type}" not found in ${inv.pluginDir}: install containernetworking-plugins or set the CNI plugin directory`,
      ),
    );
  }
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: inv.containerId,
    CNI_NETNS: inv.netns,
    CNI_IFNAME: inv.ifname,
    CNI_PATH: inv.pluginDir,
    ...(inv.args ? { CNI_ARGS: Object.entries(inv.args).map(([k, v]) => `${k}=${v}`).join(';') } : {}),
  };
  return runCommand(binary, [], { env, input: JSON.stringify(config), timeoutMs: TIMEOUT_MS }).then(
    ({ stdout }) => {
      const result = stdout.trim();
      if (command !== 'ADD' || !result) return undefined;
      try {
        return JSON.parse(result) as CniResult;
      } catch {
        throw new NodeAgentError('NetworkSetupFailed', `CNI plugin ${type} printed a result that is not JSON: ${result.slice(0, 200)}`);
      }
    },
    (err: unknown) => {
      const failed = err instanceof CommandError ? err : undefined;
      const stdout = failed?.stdout.trim() ?? '';
      let message = stdout || failed?.stderr.trim() || (err as Error).message;
      try {
        const parsed = JSON.parse(stdout) as { code?: number; msg?: string; details?: string };
        message = [parsed.msg, parsed.details].filter(Boolean).join(': ') || message;
      } catch {
        // not a CNI error object: keep the raw text
      }
      throw new NodeAgentError('NetworkSetupFailed', `CNI ${command} with plugin ${type} (ifname ${inv.ifname}) failed: ${message}`, { cause: err });
    },
  );
}

/** The configuration one plugin of a list receives. */
function pluginConfig(list: CniConfigList, plugin: Record<string, unknown>, inv: CniInvocation, prevResult?: CniResult): Record<string, unknown> {
  const config: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  const caps = (plugin.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inv.capabilityArgs ?? {})) if (caps[key]) runtimeConfig[key] = value;
  if (Object.keys(runtimeConfig).length > 0) config.runtimeConfig = runtimeConfig;
  if (prevResult) config.prevResult = prevResult;
  return config;
}

export async function addNetworkList(list: CniConfigList, inv: CniInvocation): Promise<CniResult | undefined> {
  let result: CniResult | undefined;
  for (const plugin of list.plugins) result = (await execPlugin('ADD', pluginConfig(list, plugin, inv, result), inv)) ?? result;
  return result;
}

export async function delNetworkList(list: CniConfigList, inv: CniInvocation): Promise<void> {
  for (const plugin of [...list.plugins].reverse()) await execPlugin('DEL', pluginConfig(list, plugin, inv), inv);
}
