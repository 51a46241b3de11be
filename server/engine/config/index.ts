// index.ts - the OCI runtime config (the container description): schema, parsing, defaults, merging and CLI flags.

export { ociConfigSchema, NAMESPACE_TYPES, type OciConfig } from './schema.ts';
export { parseConfig, configProblems, formatPath } from './parse.ts';
export { secureDefaults, MASKED_PATHS, READONLY_PATHS, mergeEnv } from './defaults.ts';
export { mergeConfig } from './merge.ts';
export { applyRunFlags, type RunFlags } from './flags.ts';
export { parseSize, parseCpus } from './sizes.ts';
export { ALL_CAPS, DOCKER_DEFAULT_CAPS, capNumber, capMask, normalizeCapName } from './caps.ts';
export { mountFlags, MS, isBindMount } from './mounts.ts';
export { GLASSBOX_ANNOTATIONS } from './checks.ts';
