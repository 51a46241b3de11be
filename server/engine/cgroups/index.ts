// index.ts - the cgroup drivers' public face: probe the host, pick the v1 or v2 driver.
import { UserError } from '../errors.ts';
import { findCgroupMounts, probeCgroups } from './probe.ts';
import { CgroupV1Driver } from './v1.ts';
import { CgroupV2Driver } from './v2.ts';
import type { CgroupDriver } from './types.ts';

export type { CgroupDriver, CgroupLimits, CgroupProbe, CgroupStats, ContainerCgroup } from './types.ts';
export { probeCgroups } from './probe.ts';
export { CgroupV1Driver, type V1Options } from './v1.ts';
export { CgroupV2Driver, type V2Options } from './v2.ts';
export { ID_PATTERN } from './common.ts';

/** One driver per process and parent: probing parses mountinfo and statfs()es every hierarchy (~0.3 ms a container). */
let cached: { key: string; driver: CgroupDriver } | undefined;

/** The driver for this host's cgroups (parent from $GLASSBOX_CGROUP_PARENT, default `glassbox`). */
export function cgroupDriver(): CgroupDriver {
  // the environment picks the parent (tests switch it), so it is part of the key; the host's mounts do not change under us
  const key = `${process.env.GLASSBOX_CGROUP_PARENT ?? ''}\0${process.env.GLASSBOX_ROOT ?? ''}`;
  if (cached?.key === key) return cached.driver;
  const driver = probeDriver();
  cached = { key, driver };
  return driver;
}

function probeDriver(): CgroupDriver {
  const mounts = findCgroupMounts();
  const probe = probeCgroups(mounts);
  if (probe.version === 2) return new CgroupV2Driver({ root: probe.mountPoint });
  if (probe.version === 1) return new CgroupV1Driver({ mounts: mounts.v1 });
  const what = probe.mode === 'none' ? 'no cgroup file system is mounted' : `the ${probe.mode} cgroup hierarchy at ${probe.mountPoint} lacks ${probe.missing.join(', ')}`;
  throw new UserError(
    `no usable cgroups: ${what}`,
    probe.mode === 'none'
      ? 'mount it: mount -t cgroup2 none /sys/fs/cgroup (or boot with systemd, which does)'
      : 'enable the missing controllers (cgroup v2: echo +memory +pids +cpu > /sys/fs/cgroup/cgroup.subtree_control; check the kernel command line for cgroup_disable=)',
  );
}
