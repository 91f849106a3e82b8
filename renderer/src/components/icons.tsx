// The app's icons, by what they mean here, drawn by lucide-react (bundled with the app, nothing
// loaded remotely). Swap an icon in one place; every screen follows. The logo is our own drawing.
import {
  Box,
  Check,
  ChevronLeft,
  ChevronRight,
  Copy,
  Cpu,
  Database,
  Download,
  File,
  FlaskConical,
  FolderOpen,
  GraduationCap,
  Info,
  Gauge,
  MessageSquare,
  Monitor,
  Moon,
  Pause,
  Play,
  Plus,
  Pencil,
  RotateCcw,
  ScanSearch,
  Search,
  SendHorizontal,
  Settings,
  SlidersHorizontal,
  Square,
  SquarePen,
  Sun,
  Trash2,
  TriangleAlert,
  Upload,
  X,
  type LucideIcon,
  type LucideProps,
} from 'lucide-react';
import type { SVGProps } from 'react';

type P = SVGProps<SVGSVGElement>;

/** A lucide icon with our defaults: decorative (aria-hidden), a 1.75 stroke, `size` px unless width/height say otherwise. */
export function appIcon(Lucide: LucideIcon, size: number) {
  const AppIcon = (p: LucideProps) => <Lucide size={size} strokeWidth={1.75} aria-hidden="true" {...p} />;
  AppIcon.displayName = `${Lucide.displayName ?? 'Lucide'}Icon`;
  return AppIcon;
}

// Navigation and shell (18 px)
export const ChatIcon = appIcon(MessageSquare, 18);
export const PlaygroundIcon = appIcon(FlaskConical, 18);
export const FilesIcon = appIcon(FolderOpen, 18);
export const InspectIcon = appIcon(ScanSearch, 18);
export const DatasetsIcon = appIcon(Database, 18);
export const FinetuneIcon = appIcon(GraduationCap, 18);
export const ModelsIcon = appIcon(Box, 18);
export const LabIcon = appIcon(Gauge, 18);
export const SettingsIcon = appIcon(Settings, 18);
export const PlusIcon = appIcon(Plus, 18);
export const PencilIcon = appIcon(Pencil, 18);
export const TrashIcon = appIcon(Trash2, 18);
export const SunIcon = appIcon(Sun, 18);
export const MoonIcon = appIcon(Moon, 18);
export const MonitorIcon = appIcon(Monitor, 18);
export const AlertIcon = appIcon(TriangleAlert, 18);
export const CloseIcon = appIcon(X, 18);
export const SendIcon = appIcon(SendHorizontal, 18);

// Actions in chat, models and settings (16 px)
export const StopIcon = appIcon(Square, 16);
export const RegenerateIcon = appIcon(RotateCcw, 16);
export const CopyIcon = appIcon(Copy, 16);
export const CheckIcon = appIcon(Check, 16);
export const ChevronLeftIcon = appIcon(ChevronLeft, 16);
export const ChevronRightIcon = appIcon(ChevronRight, 16);
export const SearchIcon = appIcon(Search, 16);
export const DownloadIcon = appIcon(Download, 16);
export const UploadIcon = appIcon(Upload, 16);
export const SlidersIcon = appIcon(SlidersHorizontal, 16);
export const EditIcon = appIcon(SquarePen, 16);
export const PauseIcon = appIcon(Pause, 16);
export const PlayIcon = appIcon(Play, 16);
export const CpuIcon = appIcon(Cpu, 16);
export const FileIcon = appIcon(File, 16);
export const InfoIcon = appIcon(Info, 16);

export function Logo(props: P) {
  return (
    <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true" {...props}>
      <defs>
        <linearGradient id="glassbox-logo" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#818cf8" />
          <stop offset="1" stopColor="#22d3ee" />
        </linearGradient>
      </defs>
      <rect x="3" y="3" width="26" height="26" rx="7" fill="url(#glassbox-logo)" />
      <path d="M10 12l6-3 6 3v8l-6 3-6-3z" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
      <path d="M10 12l6 3 6-3M16 15v8" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" opacity=".7" />
    </svg>
  );
}
