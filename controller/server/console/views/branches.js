// The branches (id, name, zone, rooms, instructors), read once per page load:
// every view's branch picker uses them.
import { getJson } from '../api.js';

/** @typedef {{id: string, name: string, timeZone: string, rooms: string[], instructors: string[]}} Branch */

/** @type {Promise<Branch[]> | null} */
let cached = null;

/** @returns {Promise<Branch[]>} */
export function branches() {
  cached ??= getJson('/api/branches').then(
    (body) => body.branches,
    (err) => {
      cached = null;
      throw err;
    },
  );
  return cached;
}
