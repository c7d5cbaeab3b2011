#!/usr/bin/env -S node --no-memory-reducer
// --no-memory-reducer: the API's start flag (platform/serving-v8.ts); harmless for the other commands.
// The published entry point: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
