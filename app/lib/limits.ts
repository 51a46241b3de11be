// limits.ts - the protocol's constants, without zod: the browser imports these values (and only types from protocol.ts), so zod stays out of its bundle.

export const PROTOCOL_VERSION = 1;

/** Bounds on everything a browser may send (the server is root; learners are strangers). */
export const LIMITS = {
  inputBytes: 16 * 1024, // one terminal:input frame
  cols: { min: 2, max: 500 },
  rows: { min: 1, max: 200 },
  terminalsPerContainer: 4,
  configBytes: 64 * 1024, // a playground config.json
  /** Flow control (VS Code's numbers): pause the pty above high, resume below low; ack every ackEvery chars. */
  highWatermark: 100_000,
  lowWatermark: 5_000,
  ackEvery: 5_000,
} as const;

/** A lesson's or a step's id: a short lower-case name (the lesson folder's, the step file's). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const PANELS = ['ns', 'cgroup', 'overlay', 'process', 'security'] as const;
export type PanelName = (typeof PANELS)[number];
export const NS_TYPES = ['user', 'pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'time'] as const;
export type NsType = (typeof NS_TYPES)[number];
