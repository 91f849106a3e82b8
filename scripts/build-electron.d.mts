export function buildElectron(dir?: string): Promise<string>;
