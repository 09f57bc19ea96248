/** One line of input, without its `\n`. */
export interface RawLine {
  text: string;
  /** False for a last line that ends without `\n` (possibly cut off mid-write). */
  terminated: boolean;
  /** The line exceeded the length limit; `text` is empty and its bytes were dropped. */
  overlong: boolean;
}

/**
 * Splits a stream of byte chunks into lines without holding more than one chunk plus one line.
 * `tryNext()` is synchronous so the common case (the line is in the current chunk) costs no promise;
 * `fill()` awaits the next chunk only when the current one is used up.
 */
export class LineSource {
  private chunk: Buffer | null = null;
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private done = false;

  constructor(
    private readonly chunks: AsyncIterator<Buffer>,
    private readonly maxLineBytes: number,
  ) {}

  tryNext(): RawLine | undefined {
    const chunk = this.chunk;
    if (chunk === null) return undefined;
    const nl = chunk.indexOf(10, this.pos);
    if (nl === -1) {
      this.hold(chunk.subarray(this.pos));
      this.chunk = null;
      return undefined;
    }
    const start = this.pos;
    this.pos = nl + 1;
    if (this.pos >= chunk.length) this.chunk = null;
    if (this.overlong) {
      this.overlong = false;
      return { text: '', terminated: true, overlong: true };
    }
    if (this.pending.length === 0)
      return { text: chunk.toString('utf8', start, nl), terminated: true, overlong: false };
    this.pending.push(chunk.subarray(start, nl));
    const text = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    return { text, terminated: true, overlong: false };
  }

  private hold(part: Buffer): void {
    if (part.length === 0 || this.overlong) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) {
      // Drop the bytes: a corrupt file without newlines must not be loaded whole.
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = true;
      return;
    }
    this.pending.push(part);
  }

  /** Loads the next chunk; false at the end of input. Errors from the underlying stream propagate. */
  async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.chunks.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.chunk = r.value;
    this.pos = 0;
    return true;
  }

  /** Ends input early (e.g. a truncated gzip stream): what is held becomes the last line. */
  end(): void {
    this.done = true;
  }

  /** After `fill()` returned false: the unterminated last line, if any. */
  finish(): RawLine | undefined {
    if (this.overlong) {
      this.overlong = false;
      return { text: '', terminated: false, overlong: true };
    }
    if (this.pending.length === 0) return undefined;
    const text = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    return { text, terminated: false, overlong: false };
  }
}
