#!/usr/bin/env node
import { pino } from 'pino';
import { createStore } from '../create-store.js';
import { ConfigError } from '../grpc/client-urls.js';
import { createEtcdServer, type EtcdServer } from '../grpc/etcd-server.js';
import { hexId } from '../grpc/response-header.js';
import { parseServerFlags, usage, type ServerFlags } from '../grpc/server-flags.js';
import type { LocalStore } from '../store.js';

/**
 * skiff-store: the store, durable in --data-dir, served over the etcd v3 gRPC API.
 * Exit codes: 0 after a clean stop, 1 when it cannot start or fails while serving, 2 for bad flags.
 * Logs are pino JSON on stderr; one plain readiness line goes to stdout once clients can connect.
 */

function flagsOrExit(): ServerFlags {
  try {
    return parseServerFlags(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`skiff-store: ${e.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const flags = flagsOrExit();
  if (flags.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const logger = pino({ name: 'skiff-store', level: flags.logLevel }, pino.destination(2));
  let store: LocalStore | undefined;
  let server: EtcdServer | undefined;
  try {
    store = await createStore({
      engine: flags.engine,
      dataDir: flags.dataDir,
      fsync: flags.fsync,
      maxRequestBytes: flags.maxRequestBytes,
      maxTxnOps: flags.maxTxnOps,
      logger,
    });
    server = await createEtcdServer(store, {
      name: flags.name,
      listenClientUrls: flags.listenClientUrls,
      advertiseClientUrls: flags.advertiseClientUrls,
      advertisePeerUrls: flags.advertisePeerUrls,
      maxRequestBytes: flags.maxRequestBytes,
      logger,
    });
  } catch (e) {
    logger.error({ err: e }, 'cannot start');
    process.stderr.write(`skiff-store: cannot start: ${(e as Error).message}\n`);
    await server?.close();
    await store?.close().catch(() => undefined);
    process.exit(1);
  }

  const status = store.localStatus();
  logger.info(
    { urls: server.clientUrls, member: hexId(server.identity.memberId), revision: status.revision, engine: status.engine, dataDir: flags.dataDir, fsync: flags.fsync },
    'ready to serve client requests',
  );
  process.stdout.write(
    `skiff-store ready: serving the etcd v3 API on ${server.clientUrls.join(', ')} ` +
      `(engine ${status.engine}, revision ${status.revision}, data dir ${flags.dataDir}, fsync ${flags.fsync})\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    void (async () => {
      try {
        await server.close();
        await store.close();
        logger.info({}, 'stopped cleanly');
        logger.flush();
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
