export function importsOf(source: string): string[];
export function checkSource(file: string, source: string): string[];
export function checkRepo(root?: string): string[];
