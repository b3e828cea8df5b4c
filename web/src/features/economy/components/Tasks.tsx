import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import type { StaffUser } from '../../auth/api.ts';
import { listTasks } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';
import { TaskTable } from './TaskTable.tsx';

export function Tasks({ user }: { user: StaffUser }) {
  const { t } = useI18n();
  const { data, error, reload } = usePoll(listTasks, 10_000, []);
  return (
    <section>
      <h1>{t('economy.tasks')}</h1>
      <EconomyTabs user={user} />
      <ErrorNote error={error} />
      {data && <TaskTable user={user} tasks={data.tasks} onChange={reload} />}
    </section>
  );
}
