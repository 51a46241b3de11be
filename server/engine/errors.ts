// errors.ts - expected failures that reach a person: one clear line (and maybe a hint), never a stack trace.

/** An error a user caused or can fix (bad input, missing setup). The CLI prints `message` (and `hint`) only. */
export class UserError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

/** A failure of a native step, as crun reports them: stage, syscall, path, errno. */
export class NativeError extends Error {
  constructor(
    readonly stage: string,
    readonly syscall: string,
    readonly path: string,
    readonly errno: number,
    readonly code: string,
    detail?: string,
  ) {
    super(`${stage}: ${code}${path ? `: ${path}` : ''}${detail ? ` (${detail})` : ` (${syscall})`}`);
    this.name = 'NativeError';
  }
}
