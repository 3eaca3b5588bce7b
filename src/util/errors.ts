// Owns Burrow's single error type. Every error a user can see carries a
// PostgreSQL SQLSTATE code, a message, and optionally a detail and a hint
// (hints tell the user what to do next). Layers throw BurrowError; anything
// else reaching the top is an internal error (XX000).

export interface ErrorFields {
  detail?: string;
  hint?: string;
}

export class BurrowError extends Error {
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, fields: ErrorFields = {}) {
    super(message);
    this.name = 'BurrowError';
    this.code = code;
    this.detail = fields.detail;
    this.hint = fields.hint;
  }
}

/** SQLSTATE codes used across layers. Names follow PostgreSQL's. */
export const SqlState = {
  SyntaxError: '42601',
  SerializationFailure: '40001',
  ProgramLimitExceeded: '54000',
  InvalidParameterValue: '22023',
  ObjectNotInPrerequisiteState: '55000',
  ObjectInUse: '55006',
  InternalError: 'XX000',
  DataCorrupted: 'XX001',
  IoError: '58030',
  UndefinedFile: '58P01',
  FeatureNotSupported: '0A000',
  InvalidTransactionState: '25000',
  ReadOnlySqlTransaction: '25006',
  QueryCanceled: '57014',
  AdminShutdown: '57P01',
} as const;

export function newError(code: string, message: string, fields?: ErrorFields): BurrowError {
  return new BurrowError(code, message, fields);
}

/** Wraps any thrown value as a BurrowError, keeping BurrowErrors as they are. */
export function toBurrowError(err: unknown): BurrowError {
  if (err instanceof BurrowError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BurrowError(SqlState.InternalError, `internal error: ${message}`);
}

/** A retryable transaction conflict, worded as CockroachDB words them. */
export function retryError(reason: string, detail?: string): BurrowError {
  return new BurrowError(
    SqlState.SerializationFailure,
    `restart transaction: TransactionRetryWithProtoRefreshError: ${reason}`,
    {
      ...(detail !== undefined ? { detail } : {}),
      hint: 'See: https://www.cockroachlabs.com/docs/stable/transaction-retry-error-reference.html',
    },
  );
}
