// Where each session goes in the week grid: its day, its top and height from
// its local start and end ("HH:MM" in the branch's zone, as the API gives
// them), and side-by-side lanes for sessions that overlap in time, so none
// hides another. Pure: no DOM, no zone arithmetic.
import { minutesOf } from './time.js';

/**
 * @typedef {{localDate: string, localStart: string, localEnd: string}} Timed
 * @template {Timed} T
 * @typedef {{session: T, startMin: number, endMin: number, lane: number, lanes: number}} Placed
 */

/**
 * @template {Timed} T
 * @param {string[]} dates the grid's days, in order
 * @param {T[]} sessions
 * @returns {{byDate: Map<string, Array<Placed<T>>>, firstMin: number, lastMin: number}}
 */
export function layoutWeek(dates, sessions) {
  /** @type {Map<string, Array<Placed<T>>>} */
  const byDate = new Map(dates.map((d) => [d, []]));
  let firstMin = Infinity;
  let lastMin = -Infinity;
  for (const session of sessions) {
    const list = byDate.get(session.localDate);
    if (!list) continue;
    const startMin = minutesOf(session.localStart);
    let endMin = minutesOf(session.localEnd);
    // Ends after midnight (or has no length): drawn to the end of its day.
    if (endMin <= startMin) endMin = Math.max(startMin + 15, 24 * 60);
    endMin = Math.min(endMin, 24 * 60);
    list.push({ session, startMin, endMin, lane: 0, lanes: 1 });
    firstMin = Math.min(firstMin, startMin);
    lastMin = Math.max(lastMin, endMin);
  }
  for (const list of byDate.values()) assignLanes(list);
  if (firstMin === Infinity) return { byDate, firstMin: 8 * 60, lastMin: 18 * 60 };
  // Whole hours around what is there.
  return { byDate, firstMin: Math.floor(firstMin / 60) * 60, lastMin: Math.min(24 * 60, Math.ceil(lastMin / 60) * 60) };
}

/**
 * Greedy lanes per cluster of overlapping sessions: each session takes the
 * first lane free at its start; a cluster's sessions share its lane count.
 * @param {Array<{startMin: number, endMin: number, lane: number, lanes: number}>} list
 */
function assignLanes(list) {
  list.sort((a, b) => a.startMin - b.startMin || b.endMin - a.endMin);
  /** @type {typeof list} */
  let cluster = [];
  /** @type {number[]} */
  let laneEnds = [];
  let clusterEnd = -1;
  const close = () => {
    for (const p of cluster) p.lanes = laneEnds.length;
    cluster = [];
    laneEnds = [];
  };
  for (const p of list) {
    if (p.startMin >= clusterEnd) close();
    let lane = laneEnds.findIndex((end) => end <= p.startMin);
    if (lane === -1) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = p.endMin;
    p.lane = lane;
    cluster.push(p);
    clusterEnd = Math.max(clusterEnd, p.endMin);
  }
  close();
}
