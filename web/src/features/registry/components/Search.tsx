import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { navigate, useLocation } from '../../../lib/router.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import type { StaffUser } from '../../auth/api.ts';
import { districts, search } from '../api.ts';

/** Registry search; the query lives in the address, so back returns to the same results page. */
export function Search({ user }: { user: StaffUser }) {
  const { t, v, date, num, lang } = useI18n();
  const names = useNames();
  const ref = names.ref;
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const region = user.region ?? query.get('region') ?? '';
  const district = user.district ?? query.get('district') ?? '';
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const [text, setText] = useState(q);
  const [districtList, setDistrictList] = useState<string[]>([]);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (!region) return setDistrictList([]);
    districts(region).then((d) => setDistrictList(d.districts), () => setDistrictList([]));
  }, [region]);
  const { data, error } = usePoll(() => search({ q, region, district, page }), 0, [q, region, district, page]);
  const go = (next: Record<string, string | number>) => {
    const p = new URLSearchParams({ q, region: user.region ? '' : region, district: user.district ? '' : district, page: '1', ...Object.fromEntries(Object.entries(next).map(([k, x]) => [k, String(x)])) });
    for (const [k, x] of [...p.entries()]) if (x === '' || (k === 'page' && x === '1')) p.delete(k);
    navigate(`/registry${p.size ? `?${p}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: text.trim() });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section>
      <h1>{t('registry.title')}</h1>
      <form className="toolbar" onSubmit={submit} role="search">
        <input name="q" placeholder={t('registry.placeholder')} aria-label={t('registry.placeholder')} value={text} onChange={(e) => setText(e.target.value)} />
        <select name="region" aria-label={t('dashboard.region')} value={region} disabled={Boolean(user.region)} onChange={(e) => go({ region: e.target.value, district: '' })}>
          <option value="">{t('registry.allRegions')}</option>
          {ref?.regions.map((r) => (
            <option key={r.iso} value={r.iso}>
              {r.name[lang]}
            </option>
          ))}
        </select>
        <select name="district" aria-label={t('registry.district')} value={district} disabled={Boolean(user.district) || !region} onChange={(e) => go({ district: e.target.value })}>
          <option value="">{t('registry.allDistricts')}</option>
          {districtList.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <button type="submit">{t('registry.search')}</button>
      </form>
      <ErrorNote error={error} />
      {data && (
        <>
          <p className="muted">{t('registry.found', { n: data.more ? `${num(data.total)}+` : num(data.total) })}</p>
          <table className="data">
            <thead>
              <tr>
                <th>{t('person.iin')}</th>
                <th>{t('person.name')}</th>
                <th>{t('person.birthDate')}</th>
                <th>{t('dashboard.region')}</th>
                <th>{t('registry.district')}</th>
                <th>{t('person.milCategory')}</th>
                <th>{t('person.specialty')}</th>
                <th>{t('person.mobile')}</th>
              </tr>
            </thead>
            <tbody>
              {data.persons.map((p) => (
                <tr key={p.iin}>
                  <td className="mono">{p.iin}</td>
                  <td>
                    <Link to={`/registry/${p.iin}`}>{[p.lastName, p.firstName, p.patronymic].filter(Boolean).join(' ')}</Link>
                  </td>
                  <td>{date(p.birthDate)}</td>
                  <td>{names.region(p.region)}</td>
                  <td>{p.district ?? '—'}</td>
                  <td>{v('milCategory', p.milCategory)}</td>
                  <td>{names.specialty(p.specialty)}</td>
                  <td>{p.hasMobile ? t('common.yes') : t('common.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
              {t('registry.prev')}
            </button>
            <span>{t('registry.page', { page, pages })}</span>
            <button disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
              {t('registry.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
