import { parseFilter, ScimFilterError } from './scim-filter';
import { groupFilter, userFilter } from './scim-user';

describe('SCIM filters', () => {
  const users = (text: string) => userFilter(parseFilter(text));

  it('reads the filters Okta and Entra send', () => {
    expect(users('userName eq "jane.doe@acme.test"')).toEqual([{ attribute: 'userName', value: 'jane.doe@acme.test' }]);
    expect(users('externalId eq "00u1a2b3"')).toEqual([{ attribute: 'externalId', value: '00u1a2b3' }]);
    expect(users('emails[type eq "work"].value eq "j@acme.test"')).toEqual([
      { attribute: 'email', value: 'j@acme.test' },
    ]);
    expect(users('emails[primary eq true].value eq "j@acme.test"')).toEqual([
      { attribute: 'email', value: 'j@acme.test' },
    ]);
    expect(users('emails.value eq "j@acme.test"')).toEqual([{ attribute: 'email', value: 'j@acme.test' }]);
    expect(groupFilter(parseFilter('displayName eq "Finance EU"'))).toEqual([
      { attribute: 'displayName', value: 'Finance EU' },
    ]);
  });

  it('takes operators, attribute names and "and" in any case, and the core schema URN', () => {
    expect(users('USERNAME EQ "a@b.co" AND externalid Eq "x"')).toEqual([
      { attribute: 'userName', value: 'a@b.co' },
      { attribute: 'externalId', value: 'x' },
    ]);
    expect(users('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@b.co"')).toEqual([
      { attribute: 'userName', value: 'a@b.co' },
    ]);
    expect(users('(userName eq "a@b.co") and active eq true')).toEqual([
      { attribute: 'userName', value: 'a@b.co' },
      { attribute: 'active', value: 'true' },
    ]);
  });

  it('reads escapes inside quoted values', () => {
    expect(users('userName eq "a\\"b\\\\c\\u0041"')).toEqual([{ attribute: 'userName', value: 'a"b\\cA' }]);
    expect(users('userName eq "with spaces and [brackets] (and parens)"')).toEqual([
      { attribute: 'userName', value: 'with spaces and [brackets] (and parens)' },
    ]);
  });

  it.each([
    ['', /empty/],
    ['userName', /operator/],
    ['userName eq', /value/],
    ['userName eq "open', /not closed/],
    ['userName eq "a" and', /attribute/],
    ['userName eq "a" extra', /after the end/],
    ['userName eq 42', /compared with a string/],
    ['(userName eq "a"', /parenthesis/],
    ['emails[type eq "work" .value eq "x"', /not closed|operator|after/],
    ['user.name.deep eq "x"', /attribute path/],
    ['userName eq unquoted', /value/],
    ['userName eq "bad \\q escape"', /escape/],
    ['x'.repeat(1001), /at most/],
  ])('refuses %j, which is no filter', (text, message) => {
    expect(() => users(text)).toThrow(ScimFilterError);
    expect(() => users(text)).toThrow(message);
  });

  it.each([
    ['userName eq "a" or userName eq "b"', /"or" is not supported/],
    ['not (userName eq "a")', /"not" is not supported/],
    ['userName co "a"', /"co" is not supported/],
    ['userName sw "a"', /"sw" is not supported/],
    ['title pr', /"pr" is not supported/],
    ['name.givenName eq "Jane"', /Filtering on name.givenname/],
    ['emails[type eq "home"].value eq "x"', /Filtering on emails/],
    ['displayName eq "x"', /Filtering on displayname/],
    ['emails[type eq "work"]', /value filter without a comparison/],
  ])('refuses %j, which Spendin does not support, saying what it does', (text, message) => {
    expect(() => users(text)).toThrow(message);
    expect(() => users(text)).toThrow(/userName eq/);
  });

  it('answers groups only by displayName, externalId and id', () => {
    expect(() => groupFilter(parseFilter('userName eq "x"'))).toThrow(/displayName eq/);
    expect(groupFilter(parseFilter('id eq "7d0c…"'))).toEqual([{ attribute: 'id', value: '7d0c…' }]);
  });
});
