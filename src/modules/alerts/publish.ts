import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { DEFAULT_CAP_SENDER } from './cap.ts';
import { checkAlertContent } from './content-check.ts';
import { alertSmsText, enqueueDistribution, isExerciseTraffic } from './distribution.ts';
import { actOnAlert, capFor, regionsOf, type AlertContext, type StoredAlert } from './store.ts';
import { MSG_TYPE, type PendingMessage } from './workflow.ts';

export interface PublishResult {
  alert: StoredAlert;
  identifier: string;
  queued: { sms: number; cellBroadcast: number };
}

/**
 * Publishes the approved message in hand, in one transaction: its CAP document (validated against the schema)
 * stored as it goes out, the publish action and its audit entry, and the distribution queued — SMS to people in
 * every region the alert has ever targeted (a cancellation reaches everyone the alert reached) and one
 * cell-broadcast row per region. The reducer refuses an unapproved message; the approval already holds the
 * two-person rule.
 */
export async function publishAlert(db: Db, id: string, ctx: AlertContext & { seen?: number }): Promise<PublishResult> {
  const sender = ctx.sender ?? DEFAULT_CAP_SENDER;
  let identifier = '';
  let queued = { sms: 0, cellBroadcast: 0 };
  const alert = await actOnAlert(db, id, ctx, async (a, at) => {
    const s = a.state;
    if (ctx.seen !== undefined && ctx.seen !== s.version) {
      throw new DomainError('ALERT_STALE', `The alert changed since you read it (version ${ctx.seen}, now ${s.version}); read it again before publishing.`);
    }
    const m = s.pending as PendingMessage | null;
    if (m?.stage !== 'approved') throw new DomainError('ALERT_BAD_TRANSITION', m ? `The ${m.kind} message is ${m.stage}: it must be approved by ${s.status === 'Actual' ? 'a second person' : 'someone'} first.` : `Alert ${id} has no message to publish (it is ${s.phase}).`);
    const sentAt = new Date(at);
    if (m.content.expires && Date.parse(m.content.expires) <= sentAt.getTime()) {
      throw new DomainError('ALERT_EXPIRED', `the message expired at ${m.content.expires}; revise it with a later expiry`);
    }
    checkAlertContent(m.content, a.status);
    const cap = capFor(id, s, m, sentAt, sender);
    identifier = cap.identifier;
    const regions = [...new Set([...regionsOf(s), ...m.content.regions])].sort();
    return {
      action: { kind: 'publish', at, actor: ctx.actor, identifier: cap.identifier, sent: cap.sent },
      details: { identifier: cap.identifier, msgType: cap.msgType, message: m.kind, regions },
      after: async (tx) => {
        const n = s.published.length + 1;
        await tx.query(
          'INSERT INTO alert_messages (alert_id, n, identifier, msg_type, kind, sent, expires, regions, xml) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [id, n, cap.identifier, MSG_TYPE[m.kind], m.kind, sentAt, m.content.expires ? new Date(m.content.expires) : null, regions, cap.xml],
        );
        queued = await enqueueDistribution(tx, { alertId: id, n, regions, text: alertSmsText(a.status, m.content), exercise: isExerciseTraffic(a.status), at: sentAt });
      },
    };
  });
  return { alert, identifier, queued };
}
