// Runs inside a test's network namespace (ip netns exec): opens `count` connections to host:port one after the
// other, each sending "x" and reading until the server closes, and prints one JSON line: the first line each
// connection got (a backend's greeting; '' when reset) and how it ended.
import { exchange } from './net-fixtures.js';

const [host, port, count] = [process.argv[2] ?? '127.0.0.1', Number(process.argv[3]), Number(process.argv[4] ?? 1)];
const seen: { name: string; ending: string }[] = [];
for (let i = 0; i < count; i++) {
  const r = await exchange(port, 'x', host).catch((e: Error) => ({ data: '', ending: e.message }));
  seen.push({ name: r.data.split('\n')[0] ?? '', ending: r.ending });
}
console.log(JSON.stringify(seen));
