/**
 * The real Tailchat web client (the kit's prebuilt `web-dist.tar.gz`), unpacked once into the
 * repo's cache. Tailchat serves it itself from its `public/` dir (`publicDirs: {'': dir}`),
 * exactly as the official Docker image does.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findKitDir, REPO_ROOT } from './kit.js';

export function ensureWebDist(): string {
  const kit = findKitDir();
  if (!kit) throw new Error('the real-Tailchat kit (web-dist.tar.gz) was not found: set TAILCHAT_KIT');
  const tarball = path.join(kit, 'web-dist.tar.gz');
  const key = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 16);
  const target = path.join(REPO_ROOT, '.cache', 'tailchat-web', key);
  const dir = path.join(target, 'tailchat-web-dist');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  }
  return dir;
}
