// index.ts - the image store's public API: OCI image layouts in, unpacked (and uid-shifted) lower dirs out.
export type { ImageLayer, ImageRuntimeConfig, ResolvedImage } from './store.ts';
export { importImage, listImages, listLayerDirs, pruneLayers, removeImage, resolveImage } from './store.ts';
export { buildDefaultImage } from './build.ts';
export { shiftedLayerDir } from './shift.ts';
