/**
 * runtime.v1 image messages.
 */
import type { Int64Value, Labels } from './cri-types.js';

/** An ImageSpec as requests carry it: `image` is a name (`busybox`), a full reference, an image ID or a digest. */
export interface ImageSpecInput {
  image: string;
  annotations: Labels;
  userSpecifiedImage: string;
  runtimeHandler: string;
}

export interface Image {
  /** The image ID: the digest of its config, `sha256:<hex>`. */
  id: string;
  /** Normalized references, e.g. `docker.io/library/busybox:latest`. */
  repoTags: string[];
  /** `<repository>@sha256:<manifest digest>` for every repository the image is known under. */
  repoDigests: string[];
  size: number;
  uid: Int64Value | null;
  username: string;
  spec: ImageSpecInput | null;
  pinned: boolean;
}

export interface AuthConfig {
  username: string;
  password: string;
  auth: string;
  serverAddress: string;
  identityToken: string;
  registryToken: string;
}
