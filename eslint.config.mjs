// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // One persistence idiom (docs/architecture.md, "Persistence"): SQL lives in repositories as
    // Statements run with runSql (src/database holds runSql itself, migration runs and grants);
    // nothing calls the ORM's query API, in repositories or anywhere else.
    files: ['src/**/*.ts'],
    ignores: ['src/database/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['query', 'createQueryBuilder', 'save', 'getRepository'].map((name) => ({
          selector: `CallExpression[callee.property.name='${name}']`,
          message: `.${name}() is not the persistence idiom: write the SQL as a Statement in a *.repository.ts, run with runSql (docs/architecture.md, Persistence).`,
        })),
        {
          // The entity-manager API takes the entity class first: tx.find(Approval, …), tx.update(User, …).
          selector: `CallExpression[callee.property.name=/^(find|findOne|findBy|findOneBy|findOneOrFail|findAndCount|count|countBy|exists|existsBy|insert|update|upsert|delete|remove|increment|decrement)$/][arguments.0.type='Identifier'][arguments.0.name=/^[A-Z]/]`,
          message:
            'The ORM repository API is not used: write the SQL as a Statement in a *.repository.ts (docs/architecture.md, Persistence).',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
