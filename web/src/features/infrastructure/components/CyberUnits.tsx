import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { listUnits, removeMember, showUnit, type Member } from '../api.ts';

/**
 * Cyber reserve units with their fill; members (personal data) load only when asked for, each view audited. A member
 * is taken out with a reason, which the audit log keeps.
 */
export function CyberUnits() {
  const { t, v, num } = useI18n();
  const names = useNames();
  const { data, error, reload } = usePoll(listUnits, 0, []);
  const [open, setOpen] = useState<number | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [memberError, setMemberError] = useState<unknown>();
  const [removing, setRemoving] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const load = async (id: number) => {
    try {
      setMembers((await showUnit(id)).members);
    } catch (e) {
      setMemberError(e);
    }
  };
  const toggle = async (id: number) => {
    setMembers(null);
    setMemberError(undefined);
    setRemoving(null);
    if (open === id) return setOpen(null);
    setOpen(id);
    await load(id);
  };
  const remove = async (e: FormEvent) => {
    e.preventDefault();
    if (open === null || removing === null) return;
    setMemberError(undefined);
    try {
      await removeMember(open, removing, reason);
      setRemoving(null);
      setReason('');
      reload();
      await load(open);
    } catch (err) {
      setMemberError(err);
    }
  };
  return (
    <>
      <ErrorNote error={error} />
      {data && data.units.length === 0 && <p className="muted">{t('infra.none')}</p>}
      {data && data.units.length > 0 && (
        <table className="data" aria-label={t('infra.tab.units')}>
          <thead>
            <tr><th>{t('infra.code')}</th><th>{t('infra.name')}</th><th>{t('infra.region')}</th><th className="num">{t('infra.units.fill')}</th><th /></tr>
          </thead>
          <tbody>
            {data.units.map((u) => (
              <tr key={u.id} className={open === u.id ? 'selected' : ''}>
                <td className="mono">{u.code}</td>
                <td>{u.name}</td>
                <td>{names.region(u.homeRegion)}</td>
                <td className="num">{num(u.members)} / {num(u.sizeTarget)}</td>
                <td><button className="link" onClick={() => void toggle(u.id)}>{open === u.id ? t('infra.units.hide') : t('infra.units.show')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && (
        <div className="card">
          <p className="muted">{t('infra.units.personal')}</p>
          <ErrorNote error={memberError} />
          {members && (
            <table className="data" aria-label={t('infra.units.show')}>
              <thead>
                <tr><th>{t('infra.units.role')}</th><th>{t('infra.units.iin')}</th><th>{t('infra.units.person')}</th><th>{t('infra.units.skill')}</th><th /></tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.iin}>
                    <td>{v('infra.role', m.role)}</td>
                    <td className="mono">{m.iin}</td>
                    <td>{m.lastName} {m.firstName}</td>
                    <td>{m.occupation ?? names.specialty(m.specialty)}</td>
                    <td>
                      {removing === m.iin ? (
                        <form className="inline" onSubmit={(e) => void remove(e)}>
                          <input name="reason" aria-label={t('infra.units.reason')} placeholder={t('infra.units.reason')} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
                          <button type="submit">{t('infra.units.confirmRemove')}</button>
                          <button type="button" className="link" onClick={() => setRemoving(null)}>{t('infra.units.cancel')}</button>
                        </form>
                      ) : (
                        <button className="link" onClick={() => { setRemoving(m.iin); setReason(''); }}>{t('infra.units.remove')}</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}
