export const name = '0008_exercises';

/**
 * National exercises: a scenario run against the live system in EXERCISE mode.
 * - `exercises`: one row per exercise, written once when it starts — the scenario it runs, the EXERCISE plan made
 *   from it, the appearance time given to the summonses, the places needed per cell (the plan may summon more),
 *   and the simulation's forecast for this very plan, against which the after-action report measures what happened.
 * - `exercise_log`: the timeline — start, each inject as it is delivered, observers' notes, stop. Append-only; the
 *   exercise is running until its log holds a stop.
 */
export const sql = `
CREATE TABLE exercises (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,62}$'),
  title         text NOT NULL,
  scenario      jsonb NOT NULL,
  plan_id       bigint NOT NULL UNIQUE REFERENCES callup_plans (id),
  appearance_at timestamptz NOT NULL,
  targets       jsonb NOT NULL,
  forecast      jsonb NOT NULL,
  started_at    timestamptz NOT NULL,
  started_by    text NOT NULL
);

CREATE TABLE exercise_log (
  exercise_id text NOT NULL REFERENCES exercises (id),
  seq         int NOT NULL,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('start', 'inject', 'observation', 'stop')),
  body        jsonb NOT NULL,
  PRIMARY KEY (exercise_id, seq)
);

CREATE TRIGGER exercises_append_only BEFORE UPDATE OR DELETE ON exercises
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER exercise_log_append_only BEFORE UPDATE OR DELETE ON exercise_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
