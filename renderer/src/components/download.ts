// Saving something the app made (an export, a chart's data or picture) as a file: the browser's
// download flow, which Electron turns into a save dialog.

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked a moment later: revoking at once can cancel the download before it starts.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A text file as the API's export methods return it. */
export function downloadFile(file: { fileName: string; mimeType: string; content: string }): void {
  downloadBlob(new Blob([file.content], { type: file.mimeType }), file.fileName);
}
