// `npm run bench`: every benchmark of the project, one section each. Figures vary with the machine;
// compare runs on the same one.

import { benchCompanion } from './companion.ts';

console.log('== Companion signing service: POST /v1/session over loopback vs raw signing ==');
const companion = await benchCompanion();
if (companion.failures > 0) process.exitCode = 1;
