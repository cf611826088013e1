// Flat config: typescript-eslint's recommended rules, plus the project's own conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (CONVENTIONS §1).' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // One data path (CONVENTIONS 13, DESIGN §3): modules read and write through the request's
    // scope, which applies the record rules, and decide nothing by role; the policy lives in
    // src/access/ (record-rules.ts, policy.ts, actions.ts, scope.ts).
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (CONVENTIONS §1).' },
        { selector: "ImportSpecifier[imported.name='DataSource']", message: 'Modules reach the database only through ctx.scope (src/access/scope.ts).' },
        { selector: "MemberExpression[property.name='db']", message: 'Modules reach the database only through ctx.scope (src/access/scope.ts).' },
        { selector: "MemberExpression[property.name=/^(getRepository|createQueryBuilder|query|manager)$/][object.name='ctx']", message: 'Read through ctx.scope.' },
        { selector: "MemberExpression[object.name='Role']", message: 'Modules do not branch on a role: name an action (access/actions.ts) or ask ctx.scope.reporting.' },
        { selector: "BinaryExpression MemberExpression[property.name='role']:matches([object.name='viewer'], [object.property.name='viewer'])", message: 'Modules do not branch on a role: name an action (access/actions.ts) or ask ctx.scope.reporting.' },
        { selector: "CallExpression[callee.name='hasRole']", message: 'Shield rules by role are named in src/access/rules.ts.' },
      ],
    },
  },
  {
    // Tools that load these files require a default export.
    files: ['eslint.config.mjs', 'jest.config.ts', 'test/support/global-setup.ts', 'test/support/global-teardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
