import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultDataDir, resolveDataPaths } from './paths.ts';

test('flags win over environment, environment over the OS default', () => {
  const env = { GLASSBOX_DATA_DIR: '/env/data', GLASSBOX_DB: '/env/x.db', GLASSBOX_MODELS_DIR: '/env/models' };
  assert.deepEqual(resolveDataPaths({}, env), { dataDir: '/env/data', dbPath: '/env/x.db', modelsDir: '/env/models' });
  assert.deepEqual(resolveDataPaths({ dataDir: '/flag/data', dbPath: 'rel.db' }, env), {
    dataDir: '/flag/data',
    dbPath: resolve('rel.db'),
    modelsDir: '/env/models',
  });
  assert.deepEqual(resolveDataPaths({}, { GLASSBOX_DATA_DIR: '/only/data' }), {
    dataDir: '/only/data',
    dbPath: '/only/data/glassbox.db',
    modelsDir: '/only/data/models',
  });
  assert.equal(resolveDataPaths({ dbPath: ':memory:' }, {}).dbPath, ':memory:');
});

test('the OS default is the per-user application data folder', () => {
  assert.equal(defaultDataDir('darwin', {}), join(homedir(), 'Library', 'Application Support', 'Glassbox'));
  assert.equal(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }), join('C:\\Users\\a\\AppData\\Roaming', 'Glassbox'));
  assert.equal(defaultDataDir('linux', {}), join(homedir(), '.config', 'Glassbox'));
  assert.equal(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }), '/xdg/Glassbox');
});
