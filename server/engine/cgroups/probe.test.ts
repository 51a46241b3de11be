// probe.test.ts - probing picks the right hierarchy, and a directory that only looks like a cgroup is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UserError } from '../errors.ts';
import { CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC, fsType, memoryMatches, verify } from './common.ts';
import { CgroupV1Driver, CgroupV2Driver, cgroupDriver, probeCgroups } from './index.ts';
import { findCgroupMounts } from './probe.ts';

describe('probeCgroups on this host', () => {
  test('matches what statfs says /sys/fs/cgroup is', () => {
    const probe = probeCgroups();
    const top = fsType('/sys/fs/cgroup');
    if (top === CGROUP2_SUPER_MAGIC) {
      assert.equal(probe.mode, 'unified');
      assert.equal(probe.version, 2);
      assert.equal(probe.mountPoint, '/sys/fs/cgroup');
      for (const c of ['memory', 'pids', 'cpu']) assert.ok(probe.controllers.includes(c), c);
    } else {
      // tmpfs with v1 hierarchies below it; with an (almost) empty cgroup2 at unified/ that is hybrid, and v1 must win.
      assert.equal(fsType('/sys/fs/cgroup/memory'), CGROUP_SUPER_MAGIC);
      const hybrid = fsType('/sys/fs/cgroup/unified') === CGROUP2_SUPER_MAGIC;
      assert.equal(probe.mode, hybrid ? 'hybrid' : 'legacy');
      assert.equal(probe.version, 1);
      assert.equal(probe.mountPoint, '/sys/fs/cgroup');
      for (const c of ['memory', 'pids', 'cpu', 'cpuacct']) assert.ok(probe.controllers.includes(c), c);
      if (hybrid) assert.ok(probe.notes.some((n) => n.startsWith('cgroup2 at /sys/fs/cgroup/unified lacks memory')), probe.notes.join('\n'));
      assert.ok(probe.notes.some((n) => n.startsWith('memory.memsw.')));
    }
    assert.deepEqual(probe.missing, []);
    assert.equal(cgroupDriver().version, probe.version);
  });
});

describe('a tmpfs dressed up as a cgroup', () => {
  let fake = '';
  before(() => {
    fake = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-fake-cgroup-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', fake]);
    // Everything a careless driver would look for: controller dirs and limit files that accept writes.
    for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'freezer']) fs.mkdirSync(path.join(fake, c));
    fs.writeFileSync(path.join(fake, 'cgroup.controllers'), 'cpu memory pids\n');
    fs.writeFileSync(path.join(fake, 'cgroup.subtree_control'), '');
    fs.writeFileSync(path.join(fake, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
  });
  after(() => {
    if (!fake) return;
    execFileSync('umount', [fake]);
    fs.rmSync(fake, { recursive: true });
  });

  test('is refused by the v2 driver', () => {
    assert.throws(() => new CgroupV2Driver({ root: fake, parent: 'glassbox-test' }), (e: unknown) => e instanceof UserError && /is not a cgroup v2/.test(e.message));
  });

  test('is refused by the v1 driver', () => {
    assert.throws(() => new CgroupV1Driver({ root: fake, parent: 'glassbox-test' }), (e: unknown) => e instanceof UserError && /is not a cgroup v1/.test(e.message));
    assert.throws(() => new CgroupV1Driver({ mounts: new Map(['memory', 'pids', 'cpu', 'cpuacct'].map((c) => [c, path.join(fake, c)])) }), UserError);
  });

  test('is not trusted even when mountinfo calls it cgroup2 or cgroup', () => {
    const lies = [
      `900 1 0:99 / ${fake} rw,relatime - cgroup2 cgroup2 rw`,
      `901 1 0:98 / ${fake}/memory rw,relatime - cgroup cgroup rw,memory`,
    ].join('\n');
    const mounts = findCgroupMounts(lies);
    assert.deepEqual(mounts.v2, []);
    assert.equal(mounts.v1.size, 0);
    const probe = probeCgroups(mounts);
    assert.equal(probe.version, null);
    assert.equal(probe.mode, 'none');
  });

  test('nor is a hybrid host\'s tmpfs /sys/fs/cgroup taken for cgroup v2', { skip: fsType('/sys/fs/cgroup') === CGROUP2_SUPER_MAGIC }, () => {
    assert.throws(() => new CgroupV2Driver({ root: '/sys/fs/cgroup', parent: 'glassbox-test' }), UserError);
  });
});

describe('the parent name', () => {
  test('must be a relative path of plain names', () => {
    for (const parent of ['../etc', '/', 'a/../b', '.hidden', 'a b']) {
      assert.throws(() => new CgroupV2Driver({ root: '/nonexistent', parent }), /invalid cgroup parent/, parent);
    }
  });
});

describe('reading a limit back', () => {
  test('accepts page rounding of memory limits and nothing else', () => {
    assert.ok(memoryMatches(100 * 1048576 + 100, String(100 * 1048576)));
    assert.ok(!memoryMatches(100 * 1048576, String(50 * 1048576)));
    assert.ok(!memoryMatches(100 * 1048576, '9223372036854771712'));
  });
  test('throws when the kernel kept something else', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-verify-'));
    t.after(() => fs.rmSync(dir, { recursive: true }));
    fs.writeFileSync(path.join(dir, 'pids.max'), 'max\n');
    assert.throws(() => verify(path.join(dir, 'pids.max'), '50'), /did not take effect.*read back "max"/);
  });
});
