import * as m0001 from './0001_registry.ts';
import * as m0002 from './0002_eligibility.ts';
import * as m0003 from './0003_callup.ts';
import * as m0004 from './0004_summons.ts';
import * as m0005 from './0005_egov.ts';
import * as m0006 from './0006_self_service.ts';
import * as m0007 from './0007_access.ts';
import * as m0008 from './0008_exercises.ts';
import * as m0009 from './0009_alerts.ts';
import * as m0010 from './0010_infrastructure.ts';
import * as m0011 from './0011_civil.ts';
import * as m0012 from './0012_economy.ts';
import * as m0013 from './0013_cyber.ts';
import * as m0014 from './0014_territorial.ts';
import * as m0015 from './0015_summons_by_person.ts';
import * as m0016 from './0016_outbox_claim_order.ts';
import * as m0017 from './0017_td_protection_end.ts';
import * as m0018 from './0018_alert_receipts.ts';
import * as m0019 from './0019_sign_in_throttles.ts';
import * as m0020 from './0020_dispatch_evidence.ts';
import * as m0021 from './0021_person_name_search.ts';
import * as m0022 from './0022_summons_state.ts';
import * as m0023 from './0023_ledgers_append_only.ts';
import * as m0024 from './0024_summons_state_area.ts';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** Numbered, forward-only; the same SQL runs on PGlite and PostgreSQL. */
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0015, m0016, m0017, m0018, m0019, m0020, m0021, m0022, m0023, m0024];
