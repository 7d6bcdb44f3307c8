import { applyPatch, readPatchRequest, ScimPatchError } from './scim-patch';
import { GROUP_ATTRIBUTES, readGroup, readUser, USER_ATTRIBUTES } from './scim-user';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const jane = () => ({
  userName: 'jane@acme.test',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [{ value: 'jane@acme.test', type: 'work', primary: true }],
  active: true,
  externalId: '00u1',
});
const patchUser = (resource: object, ...operations: object[]) =>
  applyPatch(
    resource as Record<string, unknown>,
    readPatchRequest({ schemas: [PATCH], Operations: operations }),
    USER_ATTRIBUTES,
  );
const patchGroup = (resource: object, ...operations: object[]) =>
  applyPatch(
    resource as Record<string, unknown>,
    readPatchRequest({ schemas: [PATCH], Operations: operations }),
    GROUP_ATTRIBUTES,
  );

describe('SCIM PATCH', () => {
  it("deactivates with Okta's path-less replace of {active: false}", () => {
    const after = patchUser(jane(), { op: 'replace', value: { active: false } });
    expect(readUser(after)).toMatchObject({ active: false, userName: 'jane@acme.test', email: 'jane@acme.test' });
  });

  it('reads Entra: capitalised ops and the strings "False" and "True"', () => {
    const off = patchUser(jane(), { op: 'Replace', path: 'active', value: 'False' });
    expect(readUser(off).active).toBe(false);
    const on = patchUser(off, { op: 'Replace', path: 'active', value: 'True' });
    expect(readUser(on).active).toBe(true);
    expect(() => readUser(patchUser(jane(), { op: 'Replace', path: 'active', value: 'maybe' }))).toThrow(
      /active must be a boolean/,
    );
  });

  it('replaces and adds sub-attributes, leaving the others', () => {
    const after = patchUser(
      jane(),
      { op: 'replace', path: 'name.familyName', value: 'Roe' },
      { op: 'add', value: { 'name.givenName': 'Janet', displayName: 'Janet Roe' } },
      { op: 'replace', value: { name: { familyName: 'Moe' } } },
    );
    expect(after.name).toEqual({ givenName: 'Janet', familyName: 'Moe' });
    expect(readUser(after)).toMatchObject({ fullName: 'Janet Roe', givenName: 'Janet', familyName: 'Moe' });
  });

  it('changes the work e-mail through a value filter, making the element when there is none', () => {
    const changed = patchUser(jane(), {
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'j.doe@acme.test',
    });
    expect(changed.emails).toEqual([{ value: 'j.doe@acme.test', type: 'work', primary: true }]);
    const made = patchUser(
      { userName: 'x', emails: [] },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'new@acme.test' },
    );
    expect(made.emails).toEqual([{ type: 'work', value: 'new@acme.test' }]);
    expect(readUser(made).email).toBe('new@acme.test');
  });

  it('removes an attribute, and elements matching a filter', () => {
    expect(patchUser(jane(), { op: 'remove', path: 'externalId' })).not.toHaveProperty('externalId');
    const twoMails = { ...jane(), emails: [...jane().emails, { value: 'home@x.test', type: 'home' }] };
    expect(patchUser(twoMails, { op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual(jane().emails);
  });

  it('ignores attributes Spendin does not keep, and refuses read-only ones named by path', () => {
    const after = patchUser(
      jane(),
      { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Sales' },
      { op: 'replace', path: 'title', value: 'CFO' },
      { op: 'replace', value: { id: 'other', nickName: 'JJ', active: false } },
    );
    expect(after).toEqual({ ...jane(), active: false });
    expect(() => patchUser(jane(), { op: 'replace', path: 'id', value: 'x' })).toThrow(/id cannot be changed/);
  });

  it('adds, removes and replaces group members as Okta and Entra send them', () => {
    const group = { displayName: 'Finance', members: [{ value: 'a' }] };
    const added = patchGroup(group, { op: 'add', path: 'members', value: [{ value: 'b' }, { value: 'a' }] });
    expect(added.members).toEqual([{ value: 'a' }, { value: 'b' }]);
    expect(patchGroup(added, { op: 'remove', path: 'members[value eq "a"]' }).members).toEqual([{ value: 'b' }]);
    // Entra: remove with a value list.
    expect(patchGroup(added, { op: 'Remove', path: 'members', value: [{ value: 'b' }] }).members).toEqual([
      { value: 'a' },
    ]);
    expect(patchGroup(added, { op: 'replace', path: 'members', value: [{ value: 'c' }] }).members).toEqual([
      { value: 'c' },
    ]);
    expect(patchGroup(added, { op: 'remove', path: 'members' })).not.toHaveProperty('members');
    expect(patchGroup(group, { op: 'replace', value: { displayName: 'Finance EU' } }).displayName).toBe('Finance EU');
  });

  it('refuses what is not a PatchOp, with the scimType that says why', () => {
    const refusal = (body: unknown) => {
      try {
        readPatchRequest(body);
      } catch (error) {
        return error instanceof ScimPatchError ? `${error.scimType}: ${error.message}` : String(error);
      }
      return 'accepted';
    };
    expect(refusal([])).toMatch(/^invalidSyntax/);
    expect(refusal({ Operations: [{ op: 'add', value: {} }] })).toMatch(/^invalidSyntax: schemas/);
    expect(refusal({ schemas: [PATCH], Operations: [] })).toMatch(/^invalidSyntax: Operations/);
    expect(refusal({ schemas: [PATCH], Operations: [{ op: 'move', path: 'a' }] })).toMatch(/^invalidSyntax/);
    expect(refusal({ schemas: [PATCH], Operations: [{ op: 'remove' }] })).toMatch(/^noTarget/);
    expect(refusal({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'active' }] })).toMatch(/^invalidValue/);
    expect(refusal({ schemas: [PATCH], Operations: [{ op: 'replace', value: 'x' }] })).toMatch(/^invalidValue/);
    expect(() => patchUser(jane(), { op: 'replace', path: 'emails[type eq', value: 'x' })).toThrow(ScimPatchError);
    expect(() => patchUser(jane(), { op: 'replace', path: 'a..b', value: 'x' })).toThrow(/not an attribute path/);
    expect(() => patchUser(jane(), { op: 'replace', path: 'emails[type ne "work"].value', value: 'x' })).toThrow(
      /noTarget|matches/,
    );
  });

  it('reads users and groups, refusing what cannot be stored', () => {
    expect(readUser({ userName: 'okta@acme.test' })).toMatchObject({
      email: 'okta@acme.test',
      fullName: 'okta@acme.test',
    });
    expect(() => readUser({ userName: 'not-an-address' })).toThrow(/emails .* is required/);
    expect(() => readUser({ userName: 42 })).toThrow(/userName must be a string/);
    expect(() => readUser({})).toThrow(/userName is required/);
    expect(
      readGroup({ displayName: 'G', members: [{ value: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' }] }).memberIds,
    ).toEqual(['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']);
    expect(() => readGroup({ displayName: 'G', members: [{ value: 'x' }] })).toThrow(/id of a User/);
  });
});
