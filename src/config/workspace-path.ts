import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';

/** The config file's size limit: a config is a few kilobytes; /dev/zero is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Whether a path from the configuration leaves the workspace on its face: absolute,
 * or climbing out with `..`. Checked when the config loads, before anything runs;
 * symbolic links are resolved later, where the files are read (isInside).
 */
export function escapesWorkspace(path: string): boolean {
  if (isAbsolute(path) || posix.isAbsolute(path) || /^[A-Za-z]:/.test(path)) return true;
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal === '..' || normal.startsWith('../');
}

/** Whether `real` (a resolved real path) is `root` or below it. */
export function isInside(root: string, real: string): boolean {
  const rel = relative(root, real);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `path` under `workdir`, or undefined when it does not exist; throws when it leaves. */
export function realPathInside(workdir: string, path: string, what: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(resolve(workdir, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${what} "${path}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!isInside(realpathSync(workdir), real)) {
    throw new Error(`${what} "${path}" resolves to ${real}, outside the workspace ${workdir}`);
  }
  return real;
}

/**
 * The config file's text. It must be a regular file of at most 1 MiB inside the
 * workspace: opened without blocking (a FIFO would wait forever) and checked on the
 * open descriptor, so what is checked is what is read. Undefined when it does not exist.
 */
export function readConfigText(workdir: string, path: string): string | undefined {
  const real = realPathInside(workdir, path, 'config file');
  if (real === undefined) return undefined;
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : 'not a regular file';
      throw new Error(`config file "${path}" is ${kind}: name the YAML file`);
    }
    if (st.size > MAX_CONFIG_BYTES) {
      throw new Error(`config file "${path}" is ${st.size} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`);
    }
    const buffer = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
