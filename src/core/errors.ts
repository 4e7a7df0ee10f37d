/** Exit codes are a public interface: README.md documents them and tests pin them. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  needsApproval: 3,
  environment: 4,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An expected failure: tollgate knows what went wrong and the message says what
 * to do. Never reaches the crash reporter.
 */
export class TollgateError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad input from the user (arguments, files, config): exit 2. */
export class UserError extends TollgateError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.usage, options);
  }
}

/** The machine cannot do what was asked (a tool or the sandbox is missing): exit 4. */
export class EnvironmentError extends TollgateError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.environment, options);
  }
}

/** The user pressed Ctrl-C (or the process got SIGINT/SIGTERM): exit 130. */
export class InterruptedError extends TollgateError {
  constructor(signal = "SIGINT") {
    super("INTERRUPTED", `interrupted by ${signal}`, ExitCode.interrupted);
  }
}

export function isTollgateError(error: unknown): error is TollgateError {
  return error instanceof TollgateError;
}
