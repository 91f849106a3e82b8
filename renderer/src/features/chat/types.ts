// The chat contract's types, as the chat UI uses them (one import site for the feature).
export type {
  ChatMessage,
  ChatSessionView,
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
  prob: number;
  top: { text: string; prob: number }[];
}
