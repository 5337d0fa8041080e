// PostgreSQL type OIDs whose parsing both backends configure identically.
export const PgOid = {
  INT8: 20,
  JSON: 114,
  DATE: 1082,
  JSONB: 3802,
} as const;
