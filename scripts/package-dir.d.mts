export function electronVersion(): string;
export function makeStandInElectron(dir: string, platform: 'linux' | 'mac' | 'win'): string;
export function layoutOf(outDir: string, platform: 'linux' | 'mac' | 'win', arch: 'x64' | 'arm64'): { appDir: string; resources: string };
export function packageDir(options?: {
  platform?: 'linux' | 'mac' | 'win';
  arch?: 'x64' | 'arm64';
  outDir?: string;
  project?: string;
  log?: (text: string) => void;
}): Promise<{ appDir: string; resources: string; outDir: string; output: string }>;
