// Worker threads start from plain JavaScript whatever runs the parent (tsx, vitest, node), and
// Node 20 applies no --import loader to a worker's entry: this loads worker.ts through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
