// Every schema change, in order. To change the schema add `NNN_what.ts` (next number, never edit a
// shipped one) exporting `migration`, and append it here. The migration test upgrades from every
// earlier version, so a step that breaks old data fails there.
import type { Migration } from './types.ts';
import { migration as m001 } from './001_settings_and_sessions.ts';
import { migration as m002 } from './002_messages.ts';
import { migration as m003 } from './003_chat_and_models.ts';
import { migration as m004 } from './004_inspect_runs.ts';
import { migration as m005 } from './005_lab.ts';
import { migration as m006 } from './006_datasets_finetune.ts';
import { migration as m007 } from './007_playground.ts';

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007];
export type { Migration } from './types.ts';
