// `classctl notifications retry`: dead deliveries back to pending. A write,
// so it passes the same guards as every other write.
import { ClassctlError } from '../../core/errors.js';
import type { Database } from '../../store/database.js';
import { retryDeadDeliveries } from '../../store/notifications/outbox-state.js';
import { checkApplyGuards } from '../guards.js';

export async function retryDead(db: Database, which: { eventId: string } | { allDead: true }, o: { expectedEnv: string | undefined; allowApply: string | undefined; now: number }): Promise<number> {
  return db.transaction(async (tx) => {
    await checkApplyGuards(tx, { expectedEnv: o.expectedEnv, allowApply: o.allowApply, action: 'retry dead notifications' });
    const n = await retryDeadDeliveries(tx, which, o.now);
    if (n === 0 && 'eventId' in which) {
      throw new ClassctlError('NOT_FOUND', `No dead delivery of event ${which.eventId}; classctl notifications --dead lists the dead ones.`, { key: which.eventId });
    }
    return n;
  });
}
