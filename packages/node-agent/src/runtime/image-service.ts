import type { Logger } from 'pino';
import type { ImageServiceMethods } from '../cri/cri-services.js';
import type { Image } from '../cri/cri-image-types.js';
import type { PartialMessage } from '../cri/cri-types.js';
import { NodeAgentError, invalid } from '../errors.js';
import { normalizeImageName } from '../images/image-reference.js';
import type { ImageStore, StoredImage } from '../images/image-store.js';
import { nowNs } from './clock.js';
import type { ContainerManager } from './containers.js';

/**
 * The ImageService RPCs over the local image store. There is no registry client: PullImage succeeds for images
 * already in the store (built in, or imported with `skiff image import`) and fails clearly for any other, which the
 * kubelet reports as ErrImagePull / ImagePullBackOff.
 */
type Handlers = {
  [K in keyof ImageServiceMethods]: (request: ImageServiceMethods[K][0]) => Promise<PartialMessage<ImageServiceMethods[K][1]>>;
};

export function imageMessage(image: StoredImage): PartialMessage<Image> {
  const user = image.config.config?.User ?? '';
  const userPart = user.split(':')[0];
  const numeric = /^\d+$/.test(userPart);
  return {
    id: image.id,
    repoTags: image.repoTags,
    repoDigests: image.repoDigests,
    size: image.size,
    uid: numeric ? { value: Number(userPart) } : null,
    username: numeric ? '' : userPart,
    spec: { image: image.id, annotations: {} },
    pinned: false,
  };
}

export function imageServiceHandlers(deps: { images: ImageStore; containers: ContainerManager; logger: Logger }): Handlers {
  const { images, containers } = deps;
  return {
    async listImages(request) {
      const wanted = request.filter?.image?.image;
      const list = wanted ? [images.get(wanted)].filter((i): i is StoredImage => i !== undefined) : images.list();
      return { images: list.map(imageMessage) };
    },

    async imageStatus(request) {
      const ref = request.image?.image;
      if (!ref) throw invalid('ImageStatus needs an image');
      const image = images.get(ref);
      if (!image) return { image: null, info: {} };
      return { image: imageMessage(image), info: request.verbose ? { info: JSON.stringify({ config: image.config, rootfs: image.rootfs }) } : {} };
    },

    async pullImage(request) {
      const ref = request.image?.image;
      if (!ref) throw invalid('PullImage needs an image');
      const image = images.get(ref);
      if (image) return { imageRef: image.id };
      const name = ref.startsWith('sha256:') ? ref : normalizeImageName(ref);
      throw new NodeAgentError(
        'ImageNotPresent',
        `image "${name}" is not in this node's local image store and Skiff does not pull from registries: ` +
          'import it first (skiff image import IMAGE.tar, from docker save or an OCI archive)',
      );
    },

    async removeImage(request) {
      const ref = request.image?.image;
      if (!ref) throw invalid('RemoveImage needs an image');
      const image = images.get(ref);
      if (!image) return {};
      const user = containers.list().find((c) => c.imageId === image.id);
      if (user) throw new NodeAgentError('ImageInUse', `image ${image.id} is used by container ${user.id}: remove the container first`);
      await images.remove(image.id);
      return {};
    },

    async imageFsInfo() {
      const usage = await images.usage();
      const fs = { timestamp: nowNs(), fsId: { mountpoint: usage.mountpoint }, usedBytes: { value: usage.usedBytes }, inodesUsed: { value: usage.inodesUsed } };
      return { imageFilesystems: [fs], containerFilesystems: [] };
    },
  };
}
