/**
 * Operational faults of the storage underneath (issue 14, B5): a full disk, a read-only data
 * directory, a database that went away or restarted. They are nobody's mistake in the request, so they
 * are not 500s with "an internal error occurred": the caller gets 503 with what happened and that
 * nothing was written (every write is one transaction, so a failed write leaves no trace), and the
 * operator gets one log line naming the cause.
 */

/** What went wrong underneath, in words for the caller and the operator. */
export interface StorageFault {
  /** e.g. `disk-full`, `read-only`, `database-unreachable`. */
  readonly kind:
    'disk-full' | 'read-only' | 'io-error' | 'database-unreachable' | 'database-timeout' | 'database-busy';
  readonly message: string;
}

const NOTHING_WRITTEN = 'nothing was written; try again once it is fixed';

const FAULTS: Readonly<Record<StorageFault['kind'], string>> = {
  'disk-full': `the server's disk is full: ${NOTHING_WRITTEN}`,
  'read-only': `the server's data directory or database is read-only: ${NOTHING_WRITTEN}`,
  'io-error': `the server could not read or write its storage (I/O error): ${NOTHING_WRITTEN}`,
  'database-unreachable': `the database cannot be reached or is restarting: ${NOTHING_WRITTEN}`,
  'database-timeout': `the database did not answer in time (unreachable, restarting or overloaded): ${NOTHING_WRITTEN}`,
  'database-busy': `the database is busy with another writer: ${NOTHING_WRITTEN}`,
};

const fault = (kind: StorageFault['kind']): StorageFault => ({ kind, message: FAULTS[kind] });

/** Node's errno codes of a failed file or socket operation. */
const ERRNO: Readonly<Record<string, StorageFault['kind']>> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EROFS: 'read-only',
  EIO: 'io-error',
  ECONNREFUSED: 'database-unreachable',
  ECONNRESET: 'database-unreachable',
  ETIMEDOUT: 'database-unreachable',
  EPIPE: 'database-unreachable',
  EHOSTUNREACH: 'database-unreachable',
  ENOTFOUND: 'database-unreachable',
};

/** SQLite's primary result codes (better-sqlite3 puts the extended one in `code`, e.g. SQLITE_IOERR_WRITE). */
function sqliteFault(code: string): StorageFault | undefined {
  if (code === 'SQLITE_FULL') return fault('disk-full');
  if (code.startsWith('SQLITE_READONLY')) return fault('read-only');
  if (code.startsWith('SQLITE_IOERR'))
    return code === 'SQLITE_IOERR_NOSPC' ? fault('disk-full') : fault('io-error');
  if (code.startsWith('SQLITE_CANTOPEN')) return fault('io-error');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return fault('database-busy');
  return undefined;
}

/** PostgreSQL's SQLSTATE classes and codes that mean the server, not the request, is the problem. */
function postgresFault(code: string): StorageFault | undefined {
  if (code === '53100') return fault('disk-full');
  if (code === '25006') return fault('read-only'); // read_only_sql_transaction: a standby, or default_transaction_read_only
  if (code.startsWith('08') || code.startsWith('57P')) return fault('database-unreachable'); // connection, shutdown
  if (code === '58030') return fault('io-error');
  if (code.startsWith('53')) return fault('database-busy'); // insufficient resources: out of memory, too many connections
  return undefined;
}

/**
 * The storage fault behind an error, or undefined when it is something else. Recognises Node's errno
 * codes (file writes of evidence, sockets to PostgreSQL), SQLite's result codes, PostgreSQL's SQLSTATEs
 * and the `pg` pool's own messages for a connection that ended.
 */
export function storageFaultOf(error: unknown): StorageFault | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    const errno = ERRNO[code];
    if (errno) return fault(errno);
    if (code.startsWith('SQLITE_')) return sqliteFault(code);
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const pg = postgresFault(code);
      if (pg) return pg;
    }
  }
  if (typeof message === 'string') {
    // The pg pool's own words: waiting for a connection, or opening one, took too long.
    if (
      /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout)/.test(
        message,
      )
    )
      return fault('database-timeout');
    if (
      /^(Connection terminated|connection terminated|Client has encountered a connection error)/i.test(
        message,
      )
    )
      return fault('database-unreachable');
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? storageFaultOf(cause) : undefined;
}
