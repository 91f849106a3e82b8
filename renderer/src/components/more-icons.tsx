// Kept so existing imports work: the action icons now live in icons.tsx (lucide-react).
export {
  CheckIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  CopyIcon,
  CpuIcon,
  DownloadIcon,
  EditIcon,
  FileIcon,
  InfoIcon,
  PauseIcon,
  PlayIcon,
  RegenerateIcon,
  SearchIcon,
  SlidersIcon,
  StopIcon,
  UploadIcon,
} from './icons.tsx';
