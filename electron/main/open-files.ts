// Model files the operating system asks Glassbox to open: a double-clicked or "Open with" .gguf
// arrives on the command line (Windows, Linux, and a second launch's argv via 'second-instance'),
// or as macOS's 'open-file' event (Finder, the dock icon), which can fire before the app is ready.
// Paths are held until the core can import them, then imported one at a time.
import { isAbsolute, resolve } from 'node:path';

/** The .gguf paths in a command line, absolute (relative ones against the launch's working directory). */
export function ggufPathsIn(argv: readonly string[], cwd: string): string[] {
  const paths: string[] = [];
  // argv[0] is the executable; in development argv[1] is the app folder (`electron .`). Flags never name files.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !/\.gguf$/i.test(arg)) continue;
    const abs = isAbsolute(arg) ? arg : resolve(cwd, arg);
    if (!paths.includes(abs)) paths.push(abs);
  }
  return paths;
}

/** What a launch hands the running instance (Electron passes it to 'second-instance' as additionalData). */
export interface LaunchHandOver {
  files: string[];
}

/**
 * The files a second launch asked to open: from its hand-over data when present (Chromium may add or
 * reorder switches in the argv it forwards), else from its command line.
 */
export function filesFromSecondInstance(argv: readonly string[], cwd: string, additionalData: unknown): string[] {
  const files = (additionalData as Partial<LaunchHandOver> | null)?.files;
  if (Array.isArray(files) && files.every((f) => typeof f === 'string' && isAbsolute(f))) return files.filter((f) => /\.gguf$/i.test(f));
  return ggufPathsIn(argv, cwd);
}

export interface OpenFileQueue {
  /** Paths to open; held until `start` if the app is not ready yet. */
  add(paths: readonly string[]): void;
  /** Begins handing paths to `open`, one at a time, in arrival order. */
  start(open: (path: string) => Promise<void>): void;
  /** Resolves once everything added so far has been handled. */
  idle(): Promise<void>;
}

export function createOpenFileQueue(): OpenFileQueue {
  const pending: string[] = [];
  let open: ((path: string) => Promise<void>) | null = null;
  let running: Promise<void> = Promise.resolve();
  const pump = () => {
    if (!open) return;
    const handler = open;
    while (pending.length) {
      const path = pending.shift()!;
      running = running.then(() => handler(path)).catch((err: unknown) => console.error(`could not open ${path}:`, err));
    }
  };
  return {
    add(paths) {
      pending.push(...paths);
      pump();
    },
    start(handler) {
      open = handler;
      pump();
    },
    idle: () => running,
  };
}
