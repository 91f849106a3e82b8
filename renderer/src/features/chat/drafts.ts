// Unsent message drafts, one per chat, kept in localStorage: they survive switching chats and screens,
// a reload and a restart of the app. An empty draft is removed.
const key = (sessionId: string) => `glassbox.draft.${sessionId}`;

export function loadDraft(sessionId: string): string {
  try {
    return localStorage.getItem(key(sessionId)) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(sessionId: string, text: string): void {
  try {
    if (text) localStorage.setItem(key(sessionId), text);
    else localStorage.removeItem(key(sessionId));
  } catch {
    // Storage full or disabled: the draft lives only while the chat is open.
  }
}
