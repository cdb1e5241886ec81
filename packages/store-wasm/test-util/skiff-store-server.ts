import { createStore } from '../src/create-store.js';
import type { EngineKind } from '../src/engine.js';
import { createEtcdServer, type EtcdServer, type EtcdServerOptions } from '../src/grpc/etcd-server.js';
import type { Store, StoreOptions } from '../src/store.js';

/** skiff-store served in this process on a free loopback port, for tests that talk gRPC to it. */
export interface ServedStore {
  store: Store;
  server: EtcdServer;
  /** http://127.0.0.1:PORT */
  clientUrl: string;
  /** 127.0.0.1:PORT, as etcdctl --endpoints takes it */
  endpoint: string;
  stop(): Promise<void>;
  /** Closes the server (ending every stream and connection) and serves the same store again on the same URL. */
  restartServer(): Promise<void>;
}

export async function serveStore(
  engine: EngineKind,
  serverOpts: EtcdServerOptions = {},
  storeOpts: StoreOptions = {},
): Promise<ServedStore> {
  const store = await createStore({ ...storeOpts, engine });
  let server: EtcdServer;
  try {
    server = await createEtcdServer(store, { listenClientUrls: ['http://127.0.0.1:0'], ...serverOpts });
  } catch (e) {
    await store.close();
    throw e;
  }
  const clientUrl = server.clientUrls[0]!;
  const served: ServedStore = {
    store,
    server,
    clientUrl,
    endpoint: clientUrl.replace(/^http:\/\//, ''),
    stop: async () => {
      await served.server.close();
      await store.close();
    },
    restartServer: async () => {
      await served.server.close();
      served.server = await createEtcdServer(store, { ...serverOpts, listenClientUrls: [clientUrl] });
    },
  };
  return served;
}
