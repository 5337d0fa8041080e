// Settings that have a value before any document: the layer under the base.
// A setting added after documents were written in the field gets one here, so
// an existing base that does not set it stays valid (the base must otherwise
// set every field). `explain` shows such a value as set by "built-in default".
import type { MergedSettings } from './merge-layers.js';

export const BUILT_IN_DOCUMENT = 'built-in default';

export const BUILT_IN_DEFAULTS: MergedSettings = Object.freeze({
  settings: { removal: { bookedChanges: 'warn' }, history: { retainDays: 400 }, feeds: { public: false } },
  provenance: {
    '/removal/bookedChanges': { document: BUILT_IN_DOCUMENT, origin: 'classctl' },
    '/history/retainDays': { document: BUILT_IN_DOCUMENT, origin: 'classctl' },
    '/feeds/public': { document: BUILT_IN_DOCUMENT, origin: 'classctl' },
  },
}) as MergedSettings;
