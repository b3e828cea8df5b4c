// Worker thread entry: plain JavaScript so it starts without a TypeScript loader, then registers tsx (as
// bin/mobilize.js does) and runs the TypeScript worker. Registering again under `node --import tsx` is harmless.
import { register } from 'tsx/esm/api';

register();
await import('./mc-worker-main.ts');
