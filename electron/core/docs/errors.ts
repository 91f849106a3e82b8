// Why a file could not be read, in words a user understands. Thrown in the extraction worker and
// carried to the UI as a bad_input error whose message is the text below.

export type DocErrorReason =
  'unsupported' | 'binary' | 'encrypted' | 'scanned' | 'empty' | 'too_large' | 'timeout' | 'corrupt' | 'not_found';

export class DocError extends Error {
  constructor(
    readonly reason: DocErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DocError';
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 ** 2).toFixed(n < 10 * 1024 ** 2 ? 1 : 0)} MB`;
}

export const tooLarge = (name: string, size: number, max: number) =>
  new DocError('too_large', `${name} is ${formatBytes(size)}; files up to ${formatBytes(max)} can be summarized`);
