/**
 * Which processes exist, read from /proc (Linux): for tests that must show that a command left
 * nothing running behind it.
 */
import fs from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmd: string;
}

/** Every process visible in /proc right now. */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses; it ends at the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), state: rest[0]!, ppid: Number(rest[1]), pgid: Number(rest[2]), cmd });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Running (not a zombie) right now. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** `root` and everything below it (by parent pid), plus every member of the given process groups. */
export function processTree(root: number, groups: number[] = []): ProcInfo[] {
  const all = listProcesses();
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const found = new Map<number, ProcInfo>();
  const walk = (pid: number) => {
    for (const child of byParent.get(pid) ?? []) {
      if (found.has(child.pid)) continue;
      found.set(child.pid, child);
      walk(child.pid);
    }
  };
  const self = all.find((p) => p.pid === root);
  if (self) found.set(root, self);
  walk(root);
  for (const p of all) if (groups.includes(p.pgid) && !found.has(p.pid)) found.set(p.pid, p);
  return [...found.values()].filter((p) => p.state !== 'Z');
}
