export function findChromium(env?: NodeJS.ProcessEnv): string | null;
export function noChromiumMessage(env?: NodeJS.ProcessEnv): string;
