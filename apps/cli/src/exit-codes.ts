/**
 * Exit codes of the `mcp-hub` commands that talk to a running hub or check a setup
 * (`tools`, `call`, `doctor`), documented in the README so scripts can branch on them.
 */
export const ExitCode = {
  /** Done; for `call`, the tool returned a result that is not an error. */
  ok: 0,
  /** `call`: the tool ran and returned an error result (`isError`). `doctor`: a check failed. */
  toolError: 1,
  /** Bad usage: an argument that is not valid JSON, an unknown option. */
  usage: 2,
  /** The hub could not be reached, refused the credentials, or answered with a protocol error. */
  hubUnreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a given exit code and a message for the terminal. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
