-- PostgreSQL's text holds no NUL byte, which a person can type into a reason that an event
-- quotes. An event whose text holds one is written with every text column escaped (a backslash
-- as \\, a NUL as \0) and this flag set, and read back exactly as it was given; every other
-- event is stored as written. Adding a column with a constant default rewrites no row, so the
-- append-only trigger is not involved.
ALTER TABLE events ADD COLUMN escaped boolean NOT NULL DEFAULT false;
