export const name = '0010_infrastructure';

/**
 * Critical infrastructure objects (energy, pipelines, telecom, transport, water): the register the cyber tier keeps
 * incidents against and territorial-defence units are assigned to protect. `operator_bin` is the organisation that
 * runs the object (checked BIN on every write path, like persons' employer BIN).
 */
export const sql = `
CREATE TABLE infrastructure_objects (
  id           bigserial PRIMARY KEY,
  code         text NOT NULL UNIQUE,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('energy', 'pipeline', 'telecom', 'transport', 'water', 'other')),
  region       text NOT NULL REFERENCES regions (iso),
  district     text,
  operator_bin char(12) NOT NULL,
  -- 1 national, 2 regional, 3 local importance
  criticality  smallint NOT NULL CHECK (criticality BETWEEN 1 AND 3),
  lat          double precision,
  lon          double precision,
  created_at   timestamptz NOT NULL,
  created_by   text NOT NULL
);
CREATE INDEX infrastructure_objects_region ON infrastructure_objects (region, kind);
`;
