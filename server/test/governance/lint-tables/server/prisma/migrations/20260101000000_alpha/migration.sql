-- Alpha's first tables, from before tables lived in their owner's schema:
-- unqualified, so in public.
CREATE TABLE things (
    id   uuid PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE alpha_parts (
    thing_id uuid NOT NULL REFERENCES things (id),
    part     text NOT NULL
);
CREATE TABLE permissions (name text PRIMARY KEY);
