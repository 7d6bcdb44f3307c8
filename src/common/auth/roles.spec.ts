import { hasAtLeast, LADDER, readsWholeOrganization, ROLES } from './roles';

describe('roles', () => {
  it('orders the ladder employee < manager < finance < admin', () => {
    expect(hasAtLeast('admin', 'finance')).toBe(true);
    expect(hasAtLeast('finance', 'finance')).toBe(true);
    expect(hasAtLeast('manager', 'finance')).toBe(false);
    expect(hasAtLeast('employee', 'employee')).toBe(true);
  });

  it('puts the accountant on no rung: not even at least an employee', () => {
    expect(ROLES).toContain('accountant');
    expect(LADDER).not.toContain('accountant');
    for (const rung of LADDER) expect(hasAtLeast('accountant', rung)).toBe(false);
  });

  it('lets finance, admin and the accountant read the whole organization, nobody else', () => {
    expect(ROLES.filter(readsWholeOrganization)).toEqual(['finance', 'admin', 'accountant']);
  });
});
