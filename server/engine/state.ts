// state.ts - one state.json per container under runRoot, so `glassbox ps/exec/kill/rm` in another process and reconcile find it.
import fs from 'node:fs';
import path from 'node:path';
import { runRoot } from './paths.ts';

export interface ContainerState {
  id: string;
  name: string;
  status: 'creating' | 'created' | 'running' | 'stopped';
  pid: number;
  /** /proc/<pid>/stat starttime: tells our init from a recycled pid. */
  pidStartTime: number;
  ownerPid: number;
  ownerStartTime: number;
  created: string;
  image: string | null;
  bundle: string | null;
  dir: string;
  rootDir: string;
  upperDir: string | null;
  workDir: string | null;
  rwMount: string | null;
  lowerDirs: string[];
  layers: Array<{ digest: string; dir: string }>;
  idmap: boolean;
  uidBase: number | null;
  usernsSlot: number | null;
  cgroup: { version: 1 | 2; dirs: string[]; procsFiles: string[] };
  seccomp: { profile: string; file: string | null };
  process: { args: string[]; env: string[]; cwd: string; uid: number; gid: number; groups: number[]; terminal: boolean;
    /** getrlimit(2) numbers; soft/hard as decimal strings or "inf" (exec sessions get them too) */
    rlimits?: Array<{ resource: number; soft: string; hard: string }> };
  caps: { effective: string; permitted: string; inheritable: string; bounding: string; ambient: string };
  noNewPrivileges: boolean;
  namespaces: string[];
  hostname: string | null;
  net: 'none' | 'lab' | 'host';
  netAddress: string | null;
  exit: { code: number; signal: number; oomKilled: boolean } | null;
}

export function containerDir(id: string): string {
  return path.join(runRoot, id);
}

export function writeState(s: ContainerState): void {
  const file = path.join(s.dir, 'state.json');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2));
  fs.renameSync(tmp, file);
}

export function readState(dir: string): ContainerState | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as ContainerState;
  } catch {
    return null;
  }
}

export function listStateDirs(): string[] {
  try {
    return fs.readdirSync(runRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^[a-f0-9]{12}$/.test(d.name))
      .map((d) => path.join(runRoot, d.name));
  } catch {
    return [];
  }
}

/** Field 22 of /proc/<pid>/stat, or null when the process is gone. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** Is this the very process the state recorded (not a recycled pid), and not a zombie? */
export function isAlive(pid: number, startTime: number): boolean {
  if (!pid) return false;
  const st = processStartTime(pid);
  if (st === null || st !== startTime) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
