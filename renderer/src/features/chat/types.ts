// The chat contract's types, as the chat UI uses them (one import site for the feature).
export type {
  ChatMessage,
  ChatSessionView,
  ContextPolicy,
  ContextUsage,
  MessageStats,
  MessageStatus,
  Sampling,
  SearchHit,
  SessionConfig,
  TokenProb,
} from '../../../../electron/core/api/chat.ts';

/** What TokenText needs of a token (TokenProb satisfies it). */
export interface TokenView {
  text: string;
  /** The sampler's probability (the distribution the token was drawn from). */
  prob: number;
  top: { text: string; prob: number }[];
  /** The model's own probability (whole vocabulary, temperature 1), once computed. */
  modelProb?: number;
  modelTop?: { text: string; prob: number }[];
}

/** The number a token is coloured by: the model's own probability, the sampler's until it is known. */
export const shownProb = (t: TokenView) => t.modelProb ?? t.prob;
