// The escalation side as configured: routing table, deliveries back to citizens, the staff
// service, and what happens when the answer pipeline opens a ticket (grouping, notification).
import type { Config } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import type { Logger } from '../http/errors.ts';
import { createStaffService, type StaffService } from '../staff/service.ts';
import { loadAgencies, type AgencyDirectory } from './agencies.ts';
import { createDeliveryService, type DeliveryService, type OutboundChannel } from './delivery.ts';
import { createNotifier, type TicketCreated } from './notify.ts';
import { addEvent, groupTicket } from './queue.ts';

export interface Escalation {
  agencies: AgencyDirectory;
  deliveries: DeliveryService;
  staff: StaffService;
  onTicket(t: TicketCreated): Promise<void>;
}

export function createEscalation(
  config: Pick<Config, 'agencyWebhookSecret' | 'publicUrl'>,
  deps: { db: Db; embedder: Embedder; now: () => Date; log: Logger; agencies?: AgencyDirectory; channels?: OutboundChannel[]; fetch?: typeof fetch },
): Escalation {
  const agencies = deps.agencies ?? loadAgencies();
  const deliveries = createDeliveryService({ db: deps.db, channels: deps.channels ?? [], log: (l, m, f) => deps.log(l, m, f) });
  const notifier = createNotifier({ agencies, secret: config.agencyWebhookSecret, now: deps.now, log: (l, m, f) => deps.log(l, m, f), publicUrl: config.publicUrl, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  return {
    agencies,
    deliveries,
    staff: createStaffService({ db: deps.db, embedder: deps.embedder, agencies, deliveries, now: deps.now }),
    async onTicket(t) {
      const [row] = await deps.db.query<{ id: number }>('SELECT id FROM tickets WHERE code = $1', [t.code]);
      if (!row) return;
      await addEvent(deps.db, row.id, 'created', null, null, { channel: t.channel });
      await groupTicket(deps.db, row.id);
      await notifier.ticketCreated(t);
    },
  };
}
