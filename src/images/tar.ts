/**
 * A minimal ustar writer (with PAX records for long names) for build contexts.
 * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
}

const BLOCK = 512;

const octal = (n: number, width: number): string =>
  `${Math.floor(n)
    .toString(8)
    .padStart(width - 1, '0')}\0`;

function header(
  name: string,
  typeflag: string,
  mode: number,
  size: number,
  mtime: number,
  linkname = '',
): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(name, 0, 100, 'utf8');
  buf.write(octal(mode, 8), 100, 'ascii');
  buf.write(octal(0, 8), 108, 'ascii');
  buf.write(octal(0, 8), 116, 'ascii');
  buf.write(octal(size, 12), 124, 'ascii');
  buf.write(octal(Math.max(0, mtime), 12), 136, 'ascii');
  buf.write('        ', 148, 'ascii');
  buf.write(typeflag, 156, 'ascii');
  buf.write(linkname, 157, 100, 'utf8');
  buf.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return buf;
}

/** `len key=value\n`, where len counts the whole record including its own digits. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len += 1;
  return `${len}${body}`;
}

export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Header block(s) for one entry; a name or link longer than ustar allows goes in a PAX record first. */
export function tarHeader(entry: TarEntry): Buffer {
  const name = entry.type === 'dir' ? `${entry.name}/` : entry.name;
  const typeflag = entry.type === 'dir' ? '5' : entry.type === 'symlink' ? '2' : '0';
  const link = entry.linkname ?? '';
  const size = entry.type === 'file' ? entry.size : 0;
  const records =
    (Buffer.byteLength(name) > 100 ? paxRecord('path', name) : '') +
    (Buffer.byteLength(link) > 100 ? paxRecord('linkpath', link) : '');
  const main = header(name.slice(0, 100), typeflag, entry.mode, size, entry.mtime, link.slice(0, 100));
  if (records === '') return main;
  const pax = Buffer.from(records, 'utf8');
  return Buffer.concat([
    header('PaxHeader', 'x', 0o644, pax.length, entry.mtime),
    pax,
    tarPadding(pax.length),
    main,
  ]);
}

export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}
