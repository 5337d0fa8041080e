// The columns of an ObservedSession, named as its fields, so rows need no mapping.
export const OBSERVED_COLUMNS = `
  id::text AS id, series_id AS "seriesId", branch_id AS "branchId", occurrence_key AS "occurrenceKey", title,
  (extract(epoch FROM starts_at) * 1000)::float8 AS "startsAt",
  (extract(epoch FROM ends_at) * 1000)::float8 AS "endsAt",
  timezone, instructor_id AS "instructorId", room_id AS "roomId", capacity, status, detached, booked_count AS "bookedCount"`;
