// The screens of the app, in navigation order. Ctrl/Cmd+1…9 follow this order.
// To add a screen: make renderer/src/features/<id>/<Name>Screen.tsx and add one entry here.
import type { ComponentType, SVGProps } from 'react';
import {
  ChatIcon,
  DatasetsIcon,
  FilesIcon,
  FinetuneIcon,
  InspectIcon,
  LabIcon,
  ModelsIcon,
  PlaygroundIcon,
  SettingsIcon,
} from '../components/icons.tsx';
import { ChatScreen } from '../features/chat/ChatScreen.tsx';
import { DatasetsScreen } from '../features/datasets/DatasetsScreen.tsx';
import { FilesScreen } from '../features/files/FilesScreen.tsx';
import { FinetuneScreen } from '../features/finetune/FinetuneScreen.tsx';
import { InspectScreen } from '../features/inspect/InspectScreen.tsx';
import { LabScreen } from '../features/lab/LabScreen.tsx';
import { ModelsScreen } from '../features/models/ModelsScreen.tsx';
import { PlaygroundScreen } from '../features/playground/PlaygroundScreen.tsx';
import { SettingsScreen } from '../features/settings/SettingsScreen.tsx';

export interface Screen {
  /** URL hash (#/chat) and test id. */
  id: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  component: ComponentType;
}

export const screens: Screen[] = [
  { id: 'chat', label: 'Chat', icon: ChatIcon, component: ChatScreen },
  { id: 'playground', label: 'Playground', icon: PlaygroundIcon, component: PlaygroundScreen },
  { id: 'files', label: 'Files', icon: FilesIcon, component: FilesScreen },
  { id: 'inspect', label: 'Inspect', icon: InspectIcon, component: InspectScreen },
  { id: 'datasets', label: 'Datasets', icon: DatasetsIcon, component: DatasetsScreen },
  { id: 'finetune', label: 'Fine-tune', icon: FinetuneIcon, component: FinetuneScreen },
  { id: 'models', label: 'Models', icon: ModelsIcon, component: ModelsScreen },
  { id: 'settings', label: 'Settings', icon: SettingsIcon, component: SettingsScreen },
  // After Settings so the shortcuts people know keep their numbers (Ctrl+7 Models, Ctrl+8 Settings); Ctrl+9 is the Lab.
  { id: 'lab', label: 'Lab', icon: LabIcon, component: LabScreen },
];
