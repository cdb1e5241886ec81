#!/usr/bin/env node
/**
 * skiff-controller-manager: every controller in one process, behind leader election. Exits 0 on SIGINT/SIGTERM
 * (after releasing its lease) and 1 if it loses leadership, as kube-controller-manager does, so a supervisor
 * restarts it as a standby.
 */
import { loadKubeconfig } from '@skiff/client';
import pino from 'pino';
import { startControllerManager } from '../controller-manager.js';
import { ControllerError } from '../errors.js';
import { parseFlags, usage } from './flags.js';

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ControllerError) {
      process.stderr.write(`skiff-controller-manager: ${e.message}\n\n${usage}`);
      process.exit(2);
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  const logger = pino({ level: flags.logLevel, base: { component: 'controller-manager' } });
  const cluster = flags.master && !flags.kubeconfig && !process.env.KUBECONFIG ? { server: flags.master, namespace: 'default' } : loadKubeconfig({ path: flags.kubeconfig });
  if (flags.master) cluster.server = flags.master;
  const manager = await startControllerManager({ ...flags.options, cluster, logger });
  logger.info({ server: cluster.server, identity: manager.identity }, 'controller manager started; waiting for leadership');
  void manager.ready().then(() => logger.info('controllers ready'));
  const stop = async (code: number) => {
    await manager.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  void manager.leadershipLost.then(() => stop(1));
}

main().catch((e) => {
  process.stderr.write(`skiff-controller-manager: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
