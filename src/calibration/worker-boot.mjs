// Worker entry: load the TypeScript worker through tsx (worker threads do not inherit the loader).
import { tsImport } from 'tsx/esm/api';
await tsImport('./worker.ts', import.meta.url);
