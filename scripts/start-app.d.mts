export function resolveElectron(env?: NodeJS.ProcessEnv): { ok: true; path: string } | { ok: false; reason: string };
export function cannotStartLine(reason: string): string;
