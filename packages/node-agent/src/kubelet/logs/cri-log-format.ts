/**
 * The CRI container log format, read side: one record per line, `<RFC3339Nano> <stdout|stderr> <P|F> <text>`,
 * where P marks a partial line whose text continues in the next record and F ends it:
 *
 *   2024-05-01T10:00:00.000000001Z stdout P hello,
 *   2024-05-01T10:00:00.000000002Z stdout F  world        -> one line "hello, world", timestamped by its first part
 *
 * Malformed records (a torn last write) are skipped, as the kubelet does.
 */
export interface LogLine {
  /** The timestamp as written (RFC3339Nano). */
  time: string;
  /** Milliseconds since the epoch, for sinceSeconds/sinceTime. */
  timeMs: number;
  stream: 'stdout' | 'stderr';
  /** The text, without the newline. */
  text: string;
  /** False for a partial line still waiting for its end at the end of the file. */
  complete: boolean;
}

const RECORD = /^(\S+) (stdout|stderr) ([PF]) (.*)$/;

/**
 * Parses complete records of `text` (everything up to its last newline); returns the lines and how many bytes
 * of `text` were consumed, so a follower can resume at that offset when more arrives.
 */
export function parseCriLog(text: string, pending?: LogLine): { lines: LogLine[]; consumedBytes: number; pending?: LogLine } {
  const lines: LogLine[] = [];
  const end = text.lastIndexOf('\n');
  if (end < 0) return { lines, consumedBytes: 0, pending };
  let open = pending;
  for (const record of text.slice(0, end).split('\n')) {
    const m = RECORD.exec(record);
    if (!m) continue;
    const [, time, stream, tag, body] = m as unknown as [string, string, 'stdout' | 'stderr', string, string];
    if (open && open.stream === stream) {
      open.text += body;
    } else {
      if (open) lines.push({ ...open, complete: true });
      open = { time, timeMs: Date.parse(time), stream, text: body, complete: false };
    }
    if (tag === 'F') {
      lines.push({ ...open, complete: true });
      open = undefined;
    }
  }
  return { lines, consumedBytes: Buffer.byteLength(text.slice(0, end + 1)), pending: open };
}

export function formatLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.time} ${line.text}\n` : `${line.text}\n`;
}
