// One token as the inspectors show it: the model's own piece (`▁the`), a byte token as its byte, and
// control tokens (`<bos>`, `<start_of_turn>`) marked apart from text. Runs stored before the token's
// kind was recorded fall back to the old readable form.
import type { TokenKind } from '../../../../electron/core/api/inspect.ts';
import { show } from '../../components/charts/HeatStrip.tsx';

const MARKED: ReadonlySet<TokenKind> = new Set(['control', 'unknown', 'unused']);

const KIND_CLASS: Partial<Record<TokenKind, string>> = {
  control: 'italic text-violet-700 dark:text-violet-300',
  unknown: 'italic text-violet-700 dark:text-violet-300',
  unused: 'italic text-violet-700 dark:text-violet-300',
  byte: 'text-amber-700 dark:text-amber-300',
};

const KIND_NAME: Partial<Record<TokenKind, string>> = {
  control: 'control token',
  unknown: 'unknown token',
  unused: 'unused token',
  byte: 'byte token',
};

/** The text to show for a token (also in chart labels and tooltips, where no styling is possible). */
export function tokenLabel(t: { text: string; kind?: TokenKind }): string {
  return t.kind ? t.text || '∅' : show(t.text);
}

/** A short description for a title attribute: "byte token", "control token", or nothing. */
export function tokenKindName(kind: TokenKind | undefined): string | undefined {
  return kind ? KIND_NAME[kind] : undefined;
}

export function TokenLabel({ token, className = '' }: { token: { text: string; kind?: TokenKind }; className?: string }) {
  const kind = token.kind;
  return (
    <span
      className={`${kind ? (KIND_CLASS[kind] ?? '') : ''} ${className}`}
      data-token-kind={kind}
      data-marked={kind && MARKED.has(kind) ? 'true' : undefined}
    >
      {tokenLabel(token)}
    </span>
  );
}
