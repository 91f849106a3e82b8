// Where the app keeps its data. Precedence: explicit option (command-line flag) > environment
// (GLASSBOX_DATA_DIR, GLASSBOX_DB, GLASSBOX_MODELS_DIR) > the OS's per-user data folder.
// Electron passes app.getPath('userData') as `dataDir`; the headless host uses the same default folder.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataPaths {
  dataDir: string;
  dbPath: string;
  modelsDir: string;
}

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Glassbox');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Glassbox');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Glassbox');
  }
}

export function resolveDataPaths(
  options: { dataDir?: string; dbPath?: string; modelsDir?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): DataPaths {
  const dataDir = resolve(options.dataDir ?? env.GLASSBOX_DATA_DIR ?? defaultDataDir(process.platform, env));
  const dbPath = options.dbPath === ':memory:' ? ':memory:' : resolve(options.dbPath ?? env.GLASSBOX_DB ?? join(dataDir, 'glassbox.db'));
  const modelsDir = resolve(options.modelsDir ?? env.GLASSBOX_MODELS_DIR ?? join(dataDir, 'models'));
  return { dataDir, dbPath, modelsDir };
}
