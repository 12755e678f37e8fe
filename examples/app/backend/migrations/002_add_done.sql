-- 002: items can be done
ALTER TABLE items ADD COLUMN done boolean NOT NULL DEFAULT false;

CREATE INDEX items_done_idx ON items (done);
