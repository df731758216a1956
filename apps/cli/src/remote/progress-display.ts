import { SingleBar, Presets } from 'cli-progress';
import type { Progress } from '@modelcontextprotocol/client';

/**
 * Shows a long call's `notifications/progress` on stderr: a bar when stderr is a terminal and the
 * hub sends a total, otherwise one line per notification (so logs and CI keep the messages).
 * stdout stays for the result.
 */
export class ProgressDisplay {
  private bar: SingleBar | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(progress: Progress): void {
    const message = progress.message ? ` ${progress.message}` : '';
    if (this.stream.isTTY && progress.total !== undefined) {
      if (!this.bar) {
        this.bar = new SingleBar({ stream: this.stream, format: ' {bar} {percentage}% | {value}/{total}{message}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
        this.bar.start(progress.total, progress.progress, { message });
      }
      this.bar.setTotal(progress.total);
      this.bar.update(progress.progress, { message });
      return;
    }
    const total = progress.total === undefined ? '' : `/${progress.total}`;
    this.stream.write(`progress ${progress.progress}${total}${message}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
