import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { navigate } from '../../../lib/router.ts';
import type { StaffUser } from '../../auth/api.ts';
import { draftRequisition, tiynOf } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';

const CONDITIONS = ['new', 'good', 'fair', 'poor', 'unusable'] as const;
const ASSET_KINDS = ['truck', 'bus', 'fuel_tanker', 'car', 'tractor', 'excavator', 'crane', 'generator', 'building', 'warehouse', 'fuel', 'equipment'] as const;
interface Item { kind: string; description: string; condition: string; ageYears: string; quantity: string; override: string; justification: string }
const blank = (): Item => ({ kind: 'truck', description: '', condition: 'good', ageYears: '0', quantity: '1', override: '', justification: '' });

/** Drafts a requisition; the server values each item, and a second officer approves it. */
export function RequisitionForm({ user }: { user: StaffUser }) {
  const { t, v } = useI18n();
  const [f, setF] = useState({ bin: '', iin: '', purpose: '', useFrom: '', useUntil: '' });
  const [items, setItems] = useState<Item[]>([blank()]);
  const [error, setError] = useState<unknown>(null);
  const set = (n: number, patch: Partial<Item>) => setItems(items.map((i, k) => (k === n ? { ...i, ...patch } : i)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await draftRequisition({
        owner: f.bin.trim() ? { bin: f.bin.trim() } : { iin: f.iin.trim() },
        purpose: f.purpose, useFrom: f.useFrom, useUntil: f.useUntil,
        items: items.map((i) => ({
          kind: i.kind, description: i.description, condition: i.condition, ageYears: Number(i.ageYears), quantity: Number(i.quantity),
          ...(i.override.trim() ? { overrideTiyn: tiynOf(i.override) ?? -1, overrideJustification: i.justification } : {}),
        })),
      });
      navigate(`/economy/requisitions/${r.id}`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section>
      <h1>{t('economy.newRequisition')}</h1>
      <EconomyTabs user={user} />
      <form className="card" onSubmit={submit} aria-label={t('economy.newRequisition')}>
        <div className="grid2">
          <label>{t('economy.ownerBin')}<input pattern="\d{12}" value={f.bin} onChange={(e) => setF({ ...f, bin: e.target.value })} /></label>
          <label>{t('economy.ownerIin')}<input pattern="\d{12}" value={f.iin} onChange={(e) => setF({ ...f, iin: e.target.value })} /></label>
        </div>
        <label>{t('economy.purpose')}<input required value={f.purpose} onChange={(e) => setF({ ...f, purpose: e.target.value })} /></label>
        <div className="grid2">
          <label>{t('economy.useFrom')}<input required type="date" value={f.useFrom} onChange={(e) => setF({ ...f, useFrom: e.target.value })} /></label>
          <label>{t('economy.useUntil')}<input required type="date" value={f.useUntil} onChange={(e) => setF({ ...f, useUntil: e.target.value })} /></label>
        </div>
        {items.map((i, n) => (
          <fieldset key={n} className="actions">
            <label>{t('economy.kind')}<select value={i.kind} onChange={(e) => set(n, { kind: e.target.value })}>{ASSET_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}</select></label>
            <label>{t('economy.description')}<input required value={i.description} onChange={(e) => set(n, { description: e.target.value })} /></label>
            <label>{t('economy.condition')}<select value={i.condition} onChange={(e) => set(n, { condition: e.target.value })}>{CONDITIONS.map((c) => <option key={c} value={c}>{v('condition', c)}</option>)}</select></label>
            <label>{t('economy.age')}<input required type="number" min={0} value={i.ageYears} onChange={(e) => set(n, { ageYears: e.target.value })} /></label>
            <label>{t('economy.quantity')}<input required type="number" min={1} value={i.quantity} onChange={(e) => set(n, { quantity: e.target.value })} /></label>
            <label>{t('economy.overrideTenge')}<input inputMode="decimal" value={i.override} onChange={(e) => set(n, { override: e.target.value })} /></label>
            {i.override.trim() && <label>{t('economy.justification')}<input required minLength={10} value={i.justification} onChange={(e) => set(n, { justification: e.target.value })} /></label>}
          </fieldset>
        ))}
        <p className="actions">
          <button type="button" className="secondary" onClick={() => setItems([...items, blank()])}>{t('economy.addItem')}</button>
          <button type="submit">{t('economy.submitDraft')}</button>
        </p>
        <ErrorNote error={error} />
      </form>
    </section>
  );
}
