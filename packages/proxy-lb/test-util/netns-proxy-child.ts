// Runs inside a test's own network namespace (ip netns exec): a proxy that holds its cluster IP on a
// kube-ipvs0-style interface, a loopback backend, one request through the cluster IP, then a clean shutdown.
// Prints one JSON line with what it saw.
import pino from 'pino';
import { ServiceProxy } from '../src/proxy/service-proxy.js';
import { VipInterface } from '../src/proxy/vip-interface.js';
import { exchange, tcpBackend } from './net-fixtures.js';

const [vip, port] = [process.argv[2] ?? '10.96.0.10', Number(process.argv[3] ?? 80)];
const iface = new VipInterface({ name: 'kube-ipvs0' });
const backend = await tcpBackend('inside');
const proxy = new ServiceProxy({ logger: pino({ level: 'silent' }), vipInterface: iface });
await proxy.addService({
  name: 'ns/web:80/cluster-ip',
  address: vip,
  port,
  protocol: 'tcp',
  scheduler: 'mh',
  backends: [{ address: '127.0.0.1', port: backend.port }],
});
const held = await iface.addresses();
const reply = await exchange(port, 'ping', vip);
await proxy.close();
const after = await iface.addresses();
await backend.close();
console.log(JSON.stringify({ held, reply, after }));
