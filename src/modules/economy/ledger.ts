import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';

/**
 * The compensation ledger of one requisition, folded purely from its append-only entries. Amounts are positive
 * integer tiyn; the kind gives the sign:
 *   owed      + the valuation at requisition (written once, when the requisition is approved)
 *   returned  − on return of the property before the end of the planned use period, the unused share of the
 *               valuation: floor(owed × unusedDays / periodDays), but never more than the balance then, so a payment
 *               already made is not clawed back; a return on or after the end reduces nothing and just closes it
 *   damage    + assessed damage found on return (after the return only)
 *   paid      − a payment to the owner, never more than the balance
 * balance = owed − returned + damage − paid, and every rule above keeps it ≥ 0.
 */
export const LedgerKind = z.enum(['owed', 'paid', 'returned', 'damage']);
export type LedgerKind = z.infer<typeof LedgerKind>;

export interface LedgerEntry {
  seq: number;
  at: string;
  actor: string;
  kind: LedgerKind;
  amountTiyn: number;
  note: string | null;
  details: Record<string, unknown>;
}

export interface LedgerTotals {
  owed: number;
  returned: number;
  damage: number;
  paid: number;
  balance: number;
  /** The property has been given back. */
  isReturned: boolean;
  /** Returned and nothing left to pay. */
  closed: boolean;
}

export const SIGN = { owed: 1, damage: 1, paid: -1, returned: -1 } as const satisfies Record<LedgerKind, 1 | -1>;

export function foldLedger(entries: readonly Pick<LedgerEntry, 'kind' | 'amountTiyn'>[]): LedgerTotals {
  const t = { owed: 0, returned: 0, damage: 0, paid: 0 };
  for (const e of entries) t[e.kind] += e.amountTiyn;
  const balance = t.owed - t.returned + t.damage - t.paid;
  const isReturned = entries.some((e) => e.kind === 'returned');
  return { ...t, balance, isReturned, closed: isReturned && balance === 0 };
}

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/** The reduction on a return on `on` (a date), by the rule above. */
export function returnReduction(owed: number, balance: number, period: { from: string; until: string }, on: string): { amountTiyn: number; unusedDays: number; periodDays: number } {
  const periodDays = days(period.from, period.until);
  const unusedDays = Math.min(periodDays, Math.max(0, days(on, period.until)));
  const share = Number((BigInt(owed) * BigInt(unusedDays)) / BigInt(periodDays));
  return { amountTiyn: Math.min(share, balance), unusedDays, periodDays };
}

export type LedgerOp =
  | { kind: 'paid'; amountTiyn: number; note?: string | undefined }
  | { kind: 'returned'; on: string; note?: string | undefined }
  | { kind: 'damage'; amountTiyn: number; note: string };

/**
 * Checks one operation against the ledger so far and gives the entry it writes (amount and details), or refuses it
 * with a stable code. `owed` entries are written only by approval, never through here.
 */
export function nextEntry(totals: LedgerTotals, op: LedgerOp, period: { from: string; until: string }): { kind: LedgerKind; amountTiyn: number; details: Record<string, unknown> } {
  if (totals.owed === 0 && totals.paid === 0 && totals.returned === 0) {
    throw new DomainError('ECONOMY_NOT_APPROVED', 'the requisition has not been approved, so nothing is owed yet');
  }
  switch (op.kind) {
    case 'paid':
      if (op.amountTiyn > totals.balance) {
        throw new DomainError('ECONOMY_OVERPAYMENT', `a payment of ${op.amountTiyn} tiyn exceeds the balance of ${totals.balance} tiyn; pay at most the balance`, { amountTiyn: op.amountTiyn, balanceTiyn: totals.balance });
      }
      return { kind: 'paid', amountTiyn: op.amountTiyn, details: {} };
    case 'returned': {
      if (totals.isReturned) throw new DomainError('ECONOMY_ALREADY_RETURNED', 'the property has already been returned');
      if (op.on < period.from) throw new DomainError('ECONOMY_BAD_INPUT', `a return on ${op.on} is before the use began (${period.from})`);
      const r = returnReduction(totals.owed - totals.returned, totals.balance, period, op.on);
      return { kind: 'returned', amountTiyn: r.amountTiyn, details: { on: op.on, unusedDays: r.unusedDays, periodDays: r.periodDays } };
    }
    case 'damage':
      if (!totals.isReturned) throw new DomainError('ECONOMY_NOT_RETURNED', 'damage is assessed on return; record the return first');
      return { kind: 'damage', amountTiyn: op.amountTiyn, details: {} };
  }
}
