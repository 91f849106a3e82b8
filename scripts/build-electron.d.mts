export function buildElectron(dir?: string): Promise<string>;
export function workerBundleName(file: string): string;
