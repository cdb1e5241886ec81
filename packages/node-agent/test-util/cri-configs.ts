import { randomBytes } from 'node:crypto';
import type { ContainerConfig, PartialMessage, PodSandboxConfig } from '../src/cri/cri-types.js';

/** Builders for the CRI configs a kubelet would send, with only what a test cares about spelled out. */
export function podConfig(name: string, logDirectory: string, extra: PartialMessage<PodSandboxConfig> = {}): PartialMessage<PodSandboxConfig> {
  return {
    metadata: { name, namespace: 'default', uid: randomBytes(8).toString('hex'), attempt: 0 },
    hostname: name,
    logDirectory,
    labels: { app: name },
    annotations: { 'test.skiff.dev/pod': name },
    linux: {},
    ...extra,
  };
}

export function containerConfig(name: string, command: string[], extra: PartialMessage<ContainerConfig> = {}): PartialMessage<ContainerConfig> {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox' },
    command,
    logPath: `${name}/0.log`,
    labels: { container: name },
    ...extra,
  };
}

/** CRI log lines of a file: [stream, tag, text]. */
export function parseCriLog(text: string): { time: string; stream: string; tag: string; text: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+) (stdout|stderr) ([FP]) ([^\n]*)$/.exec(line);
      if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line)}`);
      return { time: m[1], stream: m[2], tag: m[3], text: m[4] };
    });
}
