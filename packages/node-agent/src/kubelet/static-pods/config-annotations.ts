/** The kubelet's pod-source annotations, which mark static pods and their mirrors. */
export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_SEEN = 'kubernetes.io/config.seen';
/** On the API server's copy (the mirror pod): the hash of the static pod it stands for. */
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror';

export function isStaticPod(pod: any): boolean {
  return pod?.metadata?.annotations?.[CONFIG_SOURCE] === 'file';
}

export function isMirrorPod(pod: any): boolean {
  return pod?.metadata?.annotations?.[CONFIG_MIRROR] !== undefined;
}
