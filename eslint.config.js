// @ts-check
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The dependency direction of DESIGN.md, as import-x zones: each zone forbids `target`
 * from importing `from`. No app imports another app or src/sync, and nothing imports upward.
 */
const apps = ['taxi-ticket', 'gate'];
const zones = [
  { target: './src/reader', from: './src', except: ['./reader'], message: 'src/reader imports nothing of ours' },
  { target: './src/free-area', from: './src', except: ['./free-area', './reader'], message: 'src/free-area may import src/reader only' },
  { target: './src/journal', from: './src', except: ['./journal', './free-area/types.ts', './free-area/jst.ts'], message: 'src/journal imports only shared types' },
  { target: './src/sync', from: './src', except: ['./sync', './journal', './free-area/types.ts', './free-area/jst.ts'], message: 'src/sync may import journal interfaces only' },
  ...apps.map((app) => ({
    target: `./src/apps/${app}`,
    from: './src',
    except: ['./free-area', './journal', './reader', `./apps/${app}`],
    message: 'an app may import free-area, journal and reader types, never another app, sync, terminal or office',
  })),
  { target: './src/office', from: './src', except: ['./office', './free-area', './sync'], message: 'src/office may import free-area and sync schemas only' },
  { target: './src/terminal', from: './src', except: ['./terminal', './reader', './free-area', './journal', './apps', './sync'], message: 'src/terminal is a device: it never imports the office or the CLI' },
  { target: ['./src/reader', './src/free-area', './src/journal', './src/sync', './src/apps', './src/office', './src/terminal'], from: './src/sim', message: 'src/sim is a composition root like src/cli: it imports everything, and only the CLI and the bench import it' },
  { target: './src/demo', from: './src/cli', message: 'src/demo is a composition root like src/cli: it may import everything but the CLI, which starts it' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'data/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { maxDepth: 6 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/reader/**/*.ts', 'src/free-area/**/*.ts', 'src/apps/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
);
