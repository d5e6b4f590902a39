import { describe, expect, it } from 'vitest';
import { storageFaultOf } from './faults.js';

const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storageFaultOf', () => {
  it('names a full disk, a read-only store, an I/O error and a database that went away', () => {
    expect(storageFaultOf(err('SQLITE_FULL'))?.kind).toBe('disk-full');
    expect(storageFaultOf(err('SQLITE_IOERR_NOSPC'))?.kind).toBe('disk-full');
    expect(storageFaultOf(err('ENOSPC'))?.kind).toBe('disk-full');
    expect(storageFaultOf(err('53100'))?.kind).toBe('disk-full');
    expect(storageFaultOf(err('SQLITE_READONLY_DBMOVED'))?.kind).toBe('read-only');
    expect(storageFaultOf(err('EROFS'))?.kind).toBe('read-only');
    expect(storageFaultOf(err('25006'))?.kind).toBe('read-only');
    expect(storageFaultOf(err('SQLITE_IOERR_WRITE'))?.kind).toBe('io-error');
    expect(storageFaultOf(err('57P01'))?.kind).toBe('database-unreachable');
    expect(storageFaultOf(err('08006'))?.kind).toBe('database-unreachable');
    expect(storageFaultOf(err('ECONNREFUSED'))?.kind).toBe('database-unreachable');
    expect(storageFaultOf(new Error('Connection terminated unexpectedly'))?.kind).toBe(
      'database-unreachable',
    );
    expect(storageFaultOf(new Error('timeout exceeded when trying to connect'))?.kind).toBe(
      'database-timeout',
    );
    expect(storageFaultOf(new Error('Connection terminated due to connection timeout'))?.kind).toBe(
      'database-timeout',
    );
    expect(storageFaultOf(new Error('wrapped', { cause: err('SQLITE_FULL') }))?.kind).toBe('disk-full');
    expect(storageFaultOf(err('SQLITE_FULL'))?.message).toMatch(/disk is full: nothing was written/);
  });

  it("leaves the request's own mistakes and programming errors alone", () => {
    expect(storageFaultOf(err('23505'))).toBeUndefined(); // unique violation: a bug or a conflict
    expect(storageFaultOf(err('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storageFaultOf(err('22P05'))).toBeUndefined(); // untranslatable character
    expect(storageFaultOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(storageFaultOf(undefined)).toBeUndefined();
    expect(storageFaultOf('SQLITE_FULL')).toBeUndefined();
  });
});
