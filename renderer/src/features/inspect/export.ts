// Exports of inspector data: the shared chart exports (components/charts/download.ts).
export { downloadCsv, downloadJson, toCsv, toJson } from '../../components/charts/download.ts';
