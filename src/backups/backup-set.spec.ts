import {
  countDifferences,
  dailyBackupDue,
  parseDailyAt,
  dumpVersionProblem,
  majorVersion,
  newestSet,
  setName,
  setsToDelete,
  splitPassword,
} from './backup-set';

describe('backup sets', () => {
  it('names a set by its UTC start, sortable and without colons', () => {
    expect(setName(new Date('2026-12-04T03:00:07.123Z'))).toBe('2026-12-04T03-00-07Z');
  });

  it('keeps the newest N sets and never touches other names', () => {
    const names = ['2026-12-03T03-00-00Z', 'notes.txt', '2026-12-01T03-00-00Z', '2026-12-02T03-00-00Z'];
    expect(setsToDelete(names, 2)).toEqual(['2026-12-01T03-00-00Z']);
    expect(setsToDelete(names, 5)).toEqual([]);
    expect(newestSet(names)).toBe('2026-12-03T03-00-00Z');
    expect(newestSet(['x'])).toBeUndefined();
    expect(() => setsToDelete(names, 0)).toThrow(/at least 1/);
  });

  it('reads major versions of pg_dump and of the server', () => {
    expect(majorVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
    expect(majorVersion('18.4')).toBe(18);
    expect(majorVersion('15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
    expect(() => majorVersion('nothing')).toThrow(/Not a PostgreSQL version/);
  });

  it('refuses an older pg_dump than the server, naming both', () => {
    expect(dumpVersionProblem('pg_dump (PostgreSQL) 15.20', '15.20')).toBeNull();
    expect(dumpVersionProblem('pg_dump (PostgreSQL) 18.1', '15.20')).toBeNull();
    expect(dumpVersionProblem('pg_dump (PostgreSQL) 15.20', '18.4')).toMatch(/pg_dump 15 cannot dump a PostgreSQL 18/);
  });

  it('lists the tables whose counts differ', () => {
    expect(countDifferences({ a: 1, b: 2 }, { a: 1, b: 2 })).toEqual([]);
    expect(countDifferences({ a: 1, b: 2 }, { a: 1, b: 3, c: 0 })).toEqual(['b: 2 → 3', 'c: absent → 0']);
  });

  it('takes the password out of a URL', () => {
    expect(splitPassword('postgres://u:p%40ss@h:5432/db?host=%2Ftmp')).toEqual({
      url: 'postgres://u@h:5432/db?host=%2Ftmp',
      password: 'p@ss',
    });
    expect(splitPassword('postgres://u@h/db').password).toBeUndefined();
  });
});

describe('the daily backup', () => {
  const at = parseDailyAt('03:00');

  it('reads HH:MM and refuses anything else', () => {
    expect(at).toBe(180);
    expect(parseDailyAt('23:59')).toBe(1439);
    for (const bad of ['3:00', '24:00', '03:60', '03:00Z', '']) expect(() => parseDailyAt(bad)).toThrow(/HH:MM/);
  });

  it('is due once the time has come, until a set started after it exists', () => {
    const now = new Date('2026-12-04T03:00:30Z');
    expect(dailyBackupDue(new Date('2026-12-04T02:59:59Z'), at, [])).toBe(false);
    expect(dailyBackupDue(now, at, [])).toBe(true);
    expect(dailyBackupDue(now, at, ['2026-12-03T03-00-05Z', '2026-12-04T02-10-00Z'])).toBe(true);
    expect(dailyBackupDue(now, at, ['2026-12-04T03-00-05Z'])).toBe(false);
    expect(dailyBackupDue(new Date('2026-12-04T23:00:00Z'), at, ['2026-12-04T03-00-00Z'])).toBe(false);
    expect(dailyBackupDue(new Date('2026-12-05T03:01:00Z'), at, ['2026-12-04T03-00-00Z'])).toBe(true);
  });
});
