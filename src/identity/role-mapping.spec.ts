import { claimValues, mappedRole } from './role-mapping';

describe('claimValues', () => {
  const claims = {
    roles: ['a', 'b', 3],
    'https://acme.test/roles': ['finance-team'],
    realm_access: { roles: ['spendin-admin'] },
    group: 'one',
    nested: { deeper: { value: 'x' } },
    odd: { thing: 5 },
  };

  it('reads a plain claim, a namespaced one (dots and all) and a nested path', () => {
    expect(claimValues(claims, 'roles')).toEqual(['a', 'b']);
    expect(claimValues(claims, 'https://acme.test/roles')).toEqual(['finance-team']);
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['spendin-admin']);
    expect(claimValues(claims, 'nested.deeper.value')).toEqual(['x']);
    expect(claimValues(claims, 'group')).toEqual(['one']);
  });

  it('gives nothing for a missing claim, a non-string value or a path through a non-object', () => {
    expect(claimValues(claims, 'missing')).toEqual([]);
    expect(claimValues(claims, 'odd.thing')).toEqual([]);
    expect(claimValues(claims, 'group.length')).toEqual([]);
    expect(claimValues(claims, 'roles.constructor')).toEqual([]);
    expect(claimValues({}, '__proto__.polluted')).toEqual([]);
  });
});

describe('mappedRole', () => {
  const mapping = { staff: 'employee', leads: 'manager', money: 'finance', root: 'admin' } as const;

  it('takes the highest role any value maps to', () => {
    expect(mappedRole(['staff', 'money', 'leads'], mapping, 'employee')).toBe('finance');
    expect(mappedRole(['root', 'staff'], mapping, 'employee')).toBe('admin');
    expect(mappedRole(['leads'], mapping, 'employee')).toBe('manager');
  });

  it('ranks the accountant above the employee and below the manager', () => {
    const books = { ...mapping, books: 'accountant' } as const;
    expect(mappedRole(['staff', 'books'], books, 'employee')).toBe('accountant');
    expect(mappedRole(['books', 'leads'], books, 'employee')).toBe('manager');
    expect(mappedRole(['money', 'books'], books, 'employee')).toBe('finance');
  });

  it('falls back to the default role when nothing maps, and ignores inherited keys', () => {
    expect(mappedRole([], mapping, 'manager')).toBe('manager');
    expect(mappedRole(['unknown', 'toString'], mapping, 'employee')).toBe('employee');
  });
});
