/** The part of tar-stream 2's packer the build context uses: the package ships no types. */
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  namespace tarStream {
    interface Headers {
      name: string;
      type: 'file' | 'directory' | 'symlink';
      mode: number;
      size: number;
      mtime: Date;
      linkname?: string;
      /** Extra PAX records; any makes the entry carry a PAX header with its path. */
      pax?: Record<string, string>;
    }
    interface Pack extends Readable {
      /** A file's body is written to the returned stream; the callback runs once it is all in. */
      entry(header: Headers, callback: (error?: Error | null) => void): Writable;
      finalize(): void;
    }
    function pack(): Pack;
  }
  export = tarStream;
}
