// Notification delivery metrics. The label is the destination's type
// (webhook, slack): a small closed set, never a destination or event id.
import { Counter, Gauge, type Registry } from 'prom-client';

export const NOTIFICATION_DESTINATION_TYPES = ['webhook', 'slack'] as const;

export interface NotificationMetrics {
  delivered: Counter<'type'>;
  failed: Counter<'type'>;
  dead: Counter<'type'>;
  pending: Gauge;
  oldestPendingAge: Gauge;
}

export function createNotificationMetrics(registers: Registry[]): NotificationMetrics {
  return {
    delivered: new Counter({ name: 'classctl_notifications_delivered_total', help: 'Notifications a destination accepted (2xx), by destination type.', labelNames: ['type'], registers }),
    failed: new Counter({ name: 'classctl_notifications_failed_total', help: 'Failed delivery attempts (network error, timeout, non-2xx), by destination type; each is retried with backoff until the attempts run out.', labelNames: ['type'], registers }),
    dead: new Counter({ name: 'classctl_notifications_dead_total', help: 'Deliveries dead-lettered after their last attempt, by destination type; see classctl notifications --dead.', labelNames: ['type'], registers }),
    pending: new Gauge({ name: 'classctl_notifications_pending', help: 'Deliveries waiting to be sent or retried, as of the last delivery pass.', registers }),
    oldestPendingAge: new Gauge({ name: 'classctl_notifications_oldest_pending_age_seconds', help: 'Seconds since the event of the oldest waiting delivery was written, as of the last delivery pass; 0 when none waits. Growing: a receiver is failing or no deliverer runs (classctl notifications --pending).', registers }),
  };
}
