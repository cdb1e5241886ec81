#!/usr/bin/env node
/**
 * skiff-scheduler: the scheduler process. Exit codes: 0 after SIGINT/SIGTERM (bindings in flight finished, lease
 * released), 1 when leadership is lost (as kube-scheduler does, so a supervisor restarts it as a standby) or the
 * start fails, 2 for bad flags or a bad --config file.
 */
import pino from 'pino';
import { isSchedulerError } from '../errors.js';
import { startScheduler } from '../process/scheduler-process.js';
import { parseFlags, usage } from './flags.js';

const NAME = 'skiff-scheduler';

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (isSchedulerError(e)) {
      process.stderr.write(`${NAME}: ${e.message}\n\n${usage}`);
      process.exit(2);
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  const logger = pino({ level: flags.logLevel, base: { component: 'scheduler' } });
  let proc;
  try {
    proc = await startScheduler({ ...flags.options, master: flags.master, logger });
  } catch (e) {
    if (isSchedulerError(e) && ['InvalidConfig', 'UnknownPlugin', 'ConfigFile', 'InvalidFlag'].includes(e.code)) {
      const where = flags.options.configFile && e.code !== 'InvalidFlag' ? `--config ${flags.options.configFile}: ` : '';
      process.stderr.write(`${NAME}: ${where}${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  logger.info(
    { identity: proc.identity, engine: proc.options.engine, leaderElect: proc.options.leaderElection !== false, profiles: proc.scheduler.profiles.map((p) => p.schedulerName) },
    proc.options.leaderElection ? 'scheduler started; waiting for leadership' : 'scheduler started',
  );
  const stop = async (code: number) => {
    await proc.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  void proc.leadershipLost.then(() => stop(1));
}

main().catch((e) => {
  process.stderr.write(`${NAME}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
