-- The double bookings (room and instructor) of the branch's last plan, as the
-- plan's warnings (jsonb array). An incremental run generates only the days
-- that entered the window (and those around `now`) for a branch whose series
-- are all settled, so it finds again only the double bookings those days can
-- change and takes the others from here. NULL: not recorded (a row from
-- before this column), and the branch is generated in full.
ALTER TABLE branch_sync_state ADD COLUMN double_bookings jsonb;
