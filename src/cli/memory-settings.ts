/**
 * The sentence `reelay serve --help` and `reelay worker --help` add about the process settings
 * `bin/reelay.js` starts them with (bin/node-runtime.js; docs/memory.md).
 */
export const MEMORY_SETTINGS =
  'Starts with --max-semi-space-size=4 --flush-baseline-code and, on Linux, MALLOC_ARENA_MAX=2 ' +
  'MALLOC_TRIM_THRESHOLD_=131072 MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TOP_PAD_=0 ' +
  '(bounded memory over days; same process id); REELAY_NODE_OPTIONS replaces the Node flags, ' +
  'REELAY_NODE_OPTIONS=off turns this off.';
