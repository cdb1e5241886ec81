import { ScoreIndex } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';

/** Prefers nodes that already have the pod's images, weighted by image size and how widely the image is spread. */
export const ImageLocality: PluginDescriptor = {
  name: 'ImageLocality',
  extensionPoints: ['score'],
  scoreIndex: ScoreIndex.ImageLocality,
  defaultWeight: 1,
  events: [],
};
