import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';

export const RegionIso = z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75');
export const DistrictCode = z.string().regex(/^KZ-[0-9A-Z]{1,3}-D\d{2}$/, 'must be a district code such as KZ-75-D01');
const Name = z.string().trim().min(1).max(200);

export const UNIT_KINDS = ['territorial_troops', 'volunteer_formation', 'rapid_response', 'engineering'] as const;

/** A district code belongs to its region: KZ-75-D03 is in KZ-75. */
const districtInRegion = (v: { region: string; district?: string | null | undefined }) => !v.district || v.district.startsWith(`${v.region}-`);
const districtIssue = { message: 'the district must belong to the region (KZ-75-Dnn for KZ-75)', path: ['district'] };

export const NewUnit = z
  .object({ name: Name, region: RegionIso, district: DistrictCode.nullish(), kind: z.enum(UNIT_KINDS), strengthTarget: z.number().int().positive().max(100_000) })
  .strict()
  .refine(districtInRegion, districtIssue);
export type NewUnit = z.infer<typeof NewUnit>;

export const NewShelter = z.object({ name: Name, region: RegionIso, district: DistrictCode, capacity: z.number().int().positive().max(10_000_000) }).strict().refine(districtInRegion, districtIssue);
export type NewShelter = z.infer<typeof NewShelter>;

export const NewTransport = z
  .object({ label: Name, region: RegionIso, district: DistrictCode, vehicles: z.number().int().positive().max(100_000), seats: z.number().int().positive().max(1000), tripsPerDay: z.number().positive().max(48) })
  .strict()
  .refine(districtInRegion, districtIssue);
export type NewTransport = z.infer<typeof NewTransport>;

export const NewProtection = z.object({ objectId: z.number().int().positive(), shiftStrength: z.number().int().positive().max(10_000) }).strict();
export type NewProtection = z.infer<typeof NewProtection>;
export const EndProtection = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

export const NewTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('guard'), objectId: z.number().int().positive(), shiftStrength: z.number().int().positive().max(10_000) }).strict(),
  z.object({ kind: z.literal('fortify'), location: Name, dueDate: z.iso.date() }).strict(),
  z.object({ kind: z.literal('evacuate'), planId: z.number().int().positive() }).strict(),
]);
export type NewTask = z.infer<typeof NewTask>;

export const TASK_STATES = ['assigned', 'in_progress', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const NewEvacuationPlan = z
  .object({
    name: Name,
    region: RegionIso,
    fromDistricts: z.array(DistrictCode).min(1).max(100),
    toDistricts: z.array(DistrictCode).max(100).default([]),
    shelterIds: z.array(z.number().int().positive()).max(1000).default([]),
    windowHours: z.number().int().positive().max(24 * 30),
  })
  .strict()
  .refine((p) => [...p.fromDistricts, ...p.toDistricts].every((d) => d.startsWith(`${p.region}-`)), { message: 'every district must belong to the plan region', path: ['fromDistricts'] })
  .refine((p) => p.toDistricts.length + p.shelterIds.length > 0, { message: 'name receiving districts or shelters', path: ['toDistricts'] })
  .refine((p) => !p.toDistricts.some((d) => p.fromDistricts.includes(d)), { message: 'a district cannot both be evacuated and receive', path: ['toDistricts'] });
export type NewEvacuationPlan = z.infer<typeof NewEvacuationPlan>;

/** Parses input or throws TD_BAD_INPUT naming each field and reason. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('TD_BAD_INPUT', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}
