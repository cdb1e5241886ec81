#!/usr/bin/env node
/**
 * skiff-apiserver: the API server as a process.
 *
 *   skiff-apiserver [--port 6443] [--bind-address 127.0.0.1] [--etcd-servers URL[,URL...]] [--data-dir DIR]
 *                   [--service-cluster-ip-range CIDR] [--service-node-port-range A-B] [--log-level LEVEL]
 *                   [--service-account-signing-key-file FILE]
 *
 * With --etcd-servers it stores through the etcd v3 API (a real etcd or skiff-store); otherwise in an embedded
 * store, durable in --data-dir when given. Flags keep kube-apiserver's names where they exist.
 */
import { createEtcdClient, createStore, type Store } from '@skiff/store-wasm';
import { createApiServer } from '../api-server.js';
import { parseFlags, usage, FlagError } from './flags.js';
import { loadSigningKey } from './signing-key-file.js';

async function main(): Promise<void> {
  let flags;
  let signingKey: Buffer | undefined;
  try {
    flags = parseFlags(process.argv.slice(2));
    if (flags.serviceAccountSigningKeyFile) signingKey = loadSigningKey(flags.serviceAccountSigningKeyFile);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`skiff-apiserver: ${e.message}\n\n${usage}`);
      process.exit(2);
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  let store: Store;
  if (flags.etcdServers.length) store = await createEtcdClient({ endpoints: flags.etcdServers });
  else store = await createStore({ engine: flags.storeEngine, dataDir: flags.dataDir });
  const server = await createApiServer({
    port: flags.port,
    host: flags.bindAddress,
    store,
    logger: flags.logLevel,
    serviceCidr: flags.serviceCidr,
    nodePortRange: flags.nodePortRange,
    serviceAccountSigningKey: signingKey,
  });
  process.stdout.write(`skiff-apiserver listening on ${server.url}\n`);
  const stop = async () => {
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`skiff-apiserver: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
