import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { listUnits, showUnit, type Member } from '../api.ts';

/** Cyber reserve units with their fill; members (personal data) load only when asked for, each view audited. */
export function CyberUnits() {
  const { t, v, num } = useI18n();
  const names = useNames();
  const { data, error } = usePoll(listUnits, 0, []);
  const [open, setOpen] = useState<number | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [memberError, setMemberError] = useState<unknown>();
  const toggle = async (id: number) => {
    setMembers(null);
    setMemberError(undefined);
    if (open === id) return setOpen(null);
    setOpen(id);
    try {
      setMembers((await showUnit(id)).members);
    } catch (e) {
      setMemberError(e);
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
                <tr><th>{t('infra.units.role')}</th><th>{t('infra.units.iin')}</th><th>{t('infra.units.person')}</th><th>{t('infra.units.skill')}</th></tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.iin}>
                    <td>{v('infra.role', m.role)}</td>
                    <td className="mono">{m.iin}</td>
                    <td>{m.lastName} {m.firstName}</td>
                    <td>{m.occupation ?? names.specialty(m.specialty)}</td>
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
