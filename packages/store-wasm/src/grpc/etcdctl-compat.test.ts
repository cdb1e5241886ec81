import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { etcdctl } from '../../test-util/etcdctl.js';
import { realEtcdAvailability, startRealEtcd, type RealEtcd } from '../../test-util/real-etcd.js';
import { serveStore, type ServedStore } from '../../test-util/skiff-store-server.js';

/**
 * One etcdctl (Debian's etcd-client 3.4) script, run against a real etcd and against skiff-store: the outputs must
 * be identical, revisions included. Normalized, because they must differ: ports, member/cluster/lease ids (random
 * or derived from URLs), raft term (etcd elects; skiff-store has no raft), and in `endpoint status` the version, db
 * size and raft indexes (etcd's raft log also holds its own membership and election entries). Lease "remaining"
 * seconds depend on the clock and are normalized too, and so is the order of a lease's attached keys (etcd keeps them in a map).
 */

interface ScriptState {
  lease?: string;
}

interface Step {
  args: (s: ScriptState) => string[];
  stdin?: string;
  /** A long-running command (watch): run it, then put this key/value through a second etcdctl, stop at the value. */
  marker?: { key: string; value: string };
  /** Post-process this step's output. */
  fields?: 'endpoint-status';
}

const step = (args: string[] | ((s: ScriptState) => string[]), extra: Omit<Step, 'args'> = {}): Step => ({
  args: typeof args === 'function' ? args : () => args,
  ...extra,
});

/** etcdctl txn's stdin form: compares, a blank line, success ops, a blank line, failure ops, a blank line. */
const txnInput = (compares: string[], success: string[], failure: string[]): string =>
  [...compares, '', ...success, '', ...failure, ''].map((line) => `${line}\n`).join('');
const txnOk = txnInput(['value("foo") = "bar2"', 'version("foo") = "2"', 'create("foo") = "2"', 'mod("foo") > "3"'], ['put foo bar3', 'get foo'], ['put foo never']);
const txnFail = txnInput(['value("foo") = "nope"'], ['put x y'], ['get foo', 'get foo --prefix --keys-only', 'del foo2 --prev-kv']);
const txnTooMany = txnInput([], Array.from({ length: 129 }, (_, i) => `put many/${i} v`), []);
const txnDuplicate = txnInput([], ['put dup a', 'put dup b'], []);
const tooLarge = 'x'.repeat(1_600_000);

const script: Step[] = [
  step(['put', 'foo', 'bar']),
  step(['put', 'foo2', 'baz']),
  step(['put', 'foo', 'bar2']),
  step(['put', 'a/1', 'x']),
  step(['put', 'a/2', 'z']),
  step(['put', 'a/3', 'y']),
  step(['get', 'foo']),
  step(['get', 'foo', '--prefix']),
  step(['get', 'foo', '--rev=2']),
  step(['get', 'a/', '--prefix', '--limit=2']),
  step(['get', 'a/', '--prefix', '--keys-only']),
  step(['get', 'a/', '--prefix', '--print-value-only']),
  step(['get', 'foo', '-w', 'json']),
  step(['get', 'a/', '--prefix', '--limit=1', '-w', 'json']),
  step(['get', 'a/', '--prefix', '--sort-by=VALUE', '--order=DESCEND']),
  step(['get', 'a/', '--prefix', '--sort-by=MODIFY', '--order=DESCEND', '--limit=2']),
  step(['get', 'a/', '--prefix', '--sort-by=CREATE', '--order=ASCEND']),
  step(['get', 'a/', '--prefix', '--sort-by=VERSION']),
  step(['get', '--from-key', 'a/2']),
  step(['get', '', '--prefix', '--keys-only']),
  step(['get', 'missing']),
  step(['txn'], { stdin: txnOk }),
  step(['txn'], { stdin: txnFail }),
  step(['txn'], { stdin: txnTooMany }),
  step(['txn'], { stdin: txnDuplicate }),
  step(['watch', '--prefix', 'foo', '--rev=2'], { marker: { key: 'foo-end', value: 'END-OF-WATCH-1' } }),
  step(['watch', 'a/2', '--rev=1'], { marker: { key: 'a/2', value: 'END-OF-WATCH-2' } }),
  step(['del', 'a/1']),
  step(['del', 'a/', '--prefix', '--prev-kv']),
  step(['del', 'nothing']),
  step(['compact', '5']),
  step(['get', 'foo', '--rev=4']),
  step(['get', 'foo', '--rev=5']),
  step(['get', 'foo', '--rev=1000']),
  step(['watch', 'foo', '--rev=2']),
  step(['watch', '--prefix', 'foo', '--rev=5', '--prev-kv'], { marker: { key: 'foo-end', value: 'END-OF-WATCH-3' } }),
  step(['compact', '3']),
  step(['compact', '1000']),
  step(['compact', '6', '--physical']),
  step(['put', '', 'v']),
  step(['get', '']),
  step(['put', 'big'], { stdin: tooLarge }),
  step(['lease', 'grant', '100']),
  step((s) => ['put', 'lk', 'lv', `--lease=${s.lease}`]),
  step((s) => ['put', 'lk2', 'lv2', `--lease=${s.lease}`]),
  step((s) => ['lease', 'timetolive', s.lease!, '--keys']),
  step((s) => ['lease', 'keep-alive', '--once', s.lease!]),
  step(['lease', 'list']),
  step((s) => ['lease', 'revoke', s.lease!]),
  step(['get', 'lk', '--prefix']),
  step((s) => ['lease', 'timetolive', s.lease!]),
  step(['lease', 'revoke', '1234abcd']),
  step(['lease', 'timetolive', '1234abcd']),
  step(['lease', 'keep-alive', '--once', '1234abcd']),
  step(['put', 'nolease', 'v', '--lease=1234abcd']),
  step(['endpoint', 'status'], { fields: 'endpoint-status' }),
  step(['member', 'list']),
  step(['get', '', '--prefix', '-w', 'json']),
];

/** Replaces what must differ between two servers by placeholders, the same way on both sides. */
function normalizer(): (text: string, fields?: Step['fields']) => string {
  const ids = new Map<string, string>();
  const id = (hex: string): string => {
    if (!ids.has(hex)) ids.set(hex, `<id${ids.size + 1}>`);
    return ids.get(hex)!;
  };
  return (text, fields) => {
    let out = text
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/"(cluster_id|member_id)":\d+/g, '"$1":<id>')
      .replace(/"raft_term":\d+/g, '"raft_term":<term>')
      .replace(/remaining\(\d+s\)/g, 'remaining(<s>)')
      // etcd lists a lease's keys from a Go map, so their order changes from run to run: compare them sorted.
      .replace(/attached keys\(\[([^\]]*)\]\)/g, (_m, keys: string) => `attached keys([${keys.split(' ').sort().join(' ')}])`)
      .replace(/\b(?!1234abcd\b)[0-9a-f]{12,16}\b/g, (m) => id(m));
    if (fields === 'endpoint-status') {
      out = out
        .split('\n')
        .map((line) => {
          const f = line.split(', ');
          if (f.length < 9) return line;
          f[2] = '<version>';
          f[3] = '<db size>';
          f[6] = '<raft term>';
          f[7] = '<raft index>';
          f[8] = '<raft applied index>';
          return f.join(', ');
        })
        .join('\n');
    }
    return out;
  };
}

/** Runs the script; one transcript entry per step. */
async function runScript(endpoint: string): Promise<string[]> {
  const state: ScriptState = {};
  const normalize = normalizer();
  const transcript: string[] = [];
  for (const s of script) {
    const args = s.args(state);
    let res;
    if (s.marker) {
      const watching = etcdctl(endpoint, args, { until: s.marker.value, timeoutMs: 15_000 });
      const put = await etcdctl(endpoint, ['put', s.marker.key, s.marker.value]);
      expect(put.code, `marker put for ${args.join(' ')}: ${put.stderr}`).toBe(0);
      res = await watching;
      expect(res.code, `watch ${args.join(' ')} never showed its marker; got:\n${res.stdout}`).toBe(0);
    } else {
      res = await etcdctl(endpoint, args, { stdin: s.stdin });
    }
    const granted = /lease ([0-9a-f]+) granted/.exec(res.stdout);
    if (granted) state.lease = granted[1];
    const shown = args.map((a) => (a.length > 40 ? `${a.slice(0, 20)}...` : a)).join(' ');
    transcript.push(`$ etcdctl ${normalize(shown)}\n${normalize(res.stdout, s.fields)}\n[stderr] ${normalize(res.stderr)}\n[exit] ${res.code}`);
  }
  return transcript;
}

const etcd = realEtcdAvailability();
const engines = engineAvailability();

describe.skipIf(!etcd.available)(`etcdctl against a real etcd and against skiff-store ${etcd.reason ?? ''}`, () => {
  let real: RealEtcd | undefined;
  let expected: string[] = [];

  beforeAll(async () => {
    real = await startRealEtcd({ name: 'compat' });
    expected = await runScript(real.endpoint);
  }, 120_000);

  afterAll(async () => {
    await real?.stop();
  });

  it('the real etcd script ran every step with the outcomes this test expects', () => {
    // Guards the reference itself: a broken reference would make skiff-store's agreement meaningless.
    expect(expected).toHaveLength(script.length);
    const find = (cmd: string): string => expected.find((t) => t.startsWith(`$ etcdctl ${cmd}\n`)) ?? '';
    expect(find('get foo --rev=4')).toContain('required revision has been compacted');
    expect(find('get foo --rev=1000')).toContain('required revision is a future revision');
    expect(find('put  v')).toContain('key is not provided');
    expect(find('watch --prefix foo --rev=2')).toContain('END-OF-WATCH-1');
    expect(find('txn')).toContain('SUCCESS');
  });

  for (const e of engines) {
    it.skipIf(!e.available)(`skiff-store on the ${e.kind} engine prints exactly what etcd prints ${e.reason ?? ''}`, async () => {
      let served: ServedStore | undefined;
      try {
        served = await serveStore(e.kind, { name: 'compat', advertisePeerUrls: ['http://127.0.0.1:2380'] });
        const actual = await runScript(served.endpoint);
        for (let i = 0; i < script.length; i++) expect(actual[i]).toBe(expected[i]);
      } finally {
        await served?.stop();
      }
    }, 120_000);
  }
});
