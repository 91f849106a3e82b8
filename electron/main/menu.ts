// The application menu: the usual roles plus Glassbox's own entries. Screen switching uses the
// same Ctrl/Cmd+1…8 the renderer handles, so the menu only lists them for discoverability.
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import { openExternalSafely } from './security.ts';

export function installMenu(options: { isDev: boolean; openModel?: () => void }): void {
  const isMac = process.platform === 'darwin';
  const openModel: MenuItemConstructorOptions[] = options.openModel
    ? [{ label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: options.openModel }, { type: 'separator' }]
    : [];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [...openModel, isMac ? { role: 'close' as const } : { role: 'quit' as const }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(options.isDev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Gemma 3 on Hugging Face', click: () => openExternalSafely('https://huggingface.co/google/gemma-3-270m-it') },
        { label: 'node-llama-cpp documentation', click: () => openExternalSafely('https://node-llama-cpp.withcat.ai/') },
        { type: 'separator' },
        { label: `Glassbox ${app.getVersion()}`, enabled: false },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
