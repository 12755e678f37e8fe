/**
 * The build context as a tar stream, written by tar-stream (the packer the bundle
 * already carries for dockerode): ustar headers, and a PAX record for what ustar cannot
 * hold (a long or non-ASCII name or link, a size of 8 GiB or more).
 * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
import { createReadStream } from 'node:fs';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
  /** A file's bytes: given, or read from this path (`size` bytes of it). */
  data?: Buffer;
  path?: string;
}

/** The largest size ustar's 11 octal digits hold; a larger one goes in a PAX `size` record. */
const USTAR_MAX_SIZE = 8 ** 11 - 1;
/** tar-stream writes the mtime as a 32-bit integer: clamp rather than wrap. */
const MAX_MTIME = 2 ** 31 - 1;

export function tarHeader(entry: TarEntry): tarStream.Headers {
  const header: tarStream.Headers = {
    // A trailing slash marks a directory for the readers that look at the name only.
    name: entry.type === 'dir' ? `${entry.name}/` : entry.name,
    type: entry.type === 'dir' ? 'directory' : entry.type,
    mode: entry.mode,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: new Date(Math.min(Math.max(0, Math.floor(entry.mtime)), MAX_MTIME) * 1000),
  };
  if (entry.linkname !== undefined) header.linkname = entry.linkname;
  if (header.size > USTAR_MAX_SIZE) header.pax = { size: String(header.size) };
  return header;
}

/** Exactly the listed size: a file that grew is cut there, one that shrank is an error. */
function fileBody(entry: TarEntry, path: string): Readable {
  if (entry.size === 0) return Readable.from([]);
  const source = createReadStream(path, { end: entry.size - 1 });
  async function* counted(): AsyncGenerator<Buffer> {
    let sent = 0;
    for await (const chunk of source) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== entry.size) throw new Error(`${path} changed size while the build context was being sent`);
  }
  return Readable.from(counted());
}

async function add(pack: tarStream.Pack, entry: TarEntry): Promise<void> {
  let sink: Writable | undefined;
  const added = new Promise<void>((resolve, reject) => {
    sink = pack.entry(tarHeader(entry), (error) => (error ? reject(error) : resolve()));
  });
  const body =
    entry.data !== undefined
      ? Readable.from([entry.data])
      : entry.type === 'file' && entry.path !== undefined
        ? fileBody(entry, entry.path)
        : undefined;
  // Both settle either way (a failed body closes the entry); the body's own error says more.
  const [piped, done] = await Promise.allSettled([body && sink ? pipeline(body, sink) : undefined, added]);
  if (piped.status === 'rejected') throw piped.reason;
  if (done.status === 'rejected') throw done.reason;
}

/** The entries as one tar; a failure to read one ends the stream with that error. */
export function packTar(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): Readable {
  const pack = tarStream.pack();
  // tar-stream 2 ends its stream without an error when an entry fails: the error travels on `out`.
  const out = new PassThrough();
  pack.pipe(out);
  out.on('close', () => pack.destroy());
  (async () => {
    for await (const entry of entries) await add(pack, entry);
    pack.finalize();
  })().catch((error: unknown) => {
    out.destroy(error as Error);
    pack.destroy();
  });
  return out;
}
