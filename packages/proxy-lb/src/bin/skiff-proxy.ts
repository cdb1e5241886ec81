#!/usr/bin/env node
// skiff-proxy: the per-node service proxy (kube-proxy's role). Stopping it (SIGTERM/SIGINT) stops the listeners,
// takes its service addresses off the cluster-IP interface, deletes its presence lease and gives up load-balancer
// status leadership; connections already established are left to finish until the process exits.
import os from 'node:os';
import pino from 'pino';
import { isLbError } from '../errors.js';
import { isRoot } from '../service-proxy/options.js';
import { startServiceProxy } from '../service-proxy/start-service-proxy.js';
import { parseFlags, usage, type Flags } from './flags.js';

function nodeNameOf(f: Flags): string {
  return f.nodeName ?? os.hostname().toLowerCase();
}

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`skiff-proxy: ${(err as Error).message}\nRun skiff-proxy --help for the flags.`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  const logger = pino({ name: 'skiff-proxy', level: flags.logLevel });
  if (flags.clusterIpInterface === undefined && !isRoot()) {
    logger.warn('not root: no cluster-IP interface, so cluster IPs that are not already local cannot be served');
  }
  const proxy = await startServiceProxy({
    nodeName: nodeNameOf(flags),
    kubeconfig: flags.kubeconfig,
    nodeAddresses: flags.nodeAddresses,
    clusterIpInterface: flags.clusterIpInterface,
    minSyncPeriodMs: flags.minSyncPeriodMs,
    syncPeriodMs: flags.syncPeriodMs,
    defaultScheduler: flags.defaultScheduler,
    metricsBindAddress: flags.metricsBindAddress || undefined,
    loadBalancerStatus: flags.loadBalancerStatus,
    engine: flags.engine,
    proxyMode: flags.proxyMode,
    ...(flags.clusterDns ? { clusterDns: { address: flags.clusterDns, domain: flags.clusterDomain, ...(flags.dnsUpstreams.length ? { upstreams: flags.dnsUpstreams } : {}) } } : {}),
    logger,
  });
  logger.info({ node: nodeNameOf(flags), addresses: proxy.nodeAddresses, metrics: proxy.metricsUrl ?? null }, 'skiff-proxy started; waiting for the first sync');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    proxy.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await proxy.ready.catch(() => {});
}

main().catch((err: unknown) => {
  console.error(`skiff-proxy: ${isLbError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
