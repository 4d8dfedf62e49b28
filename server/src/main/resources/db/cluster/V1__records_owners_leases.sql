-- Quarterdeck cluster store, version 1 (docs/cluster.md). Applied once, in one transaction, by
-- the first node that starts against an empty database.

-- One row per node incarnation: the lease that lets it append. epoch grows each time the node
-- starts again or is fenced by a survivor, so an old incarnation can never append.
CREATE TABLE node_lease (
  node_id       text        PRIMARY KEY,
  epoch         bigint      NOT NULL,
  public_addr   text        NOT NULL,
  internal_addr text        NOT NULL,
  expires_at    timestamptz NOT NULL,
  state         text        NOT NULL CHECK (state IN ('live', 'dead', 'left')),
  started_at    timestamptz NOT NULL DEFAULT now()
);

-- Every session has exactly one owner node; only the owner appends to its log.
CREATE TABLE session_owner (
  session_id text        PRIMARY KEY,
  node_id    text        NOT NULL,
  join_code  text        UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_owner_by_node ON session_owner (node_id);

-- Tokens (as their SHA-256 hashes) resolvable to their session, for routing a Resume.
CREATE TABLE member_token (
  token_hash text PRIMARY KEY,
  session_id text NOT NULL REFERENCES session_owner (session_id) ON DELETE CASCADE
);

-- The session logs: one row per record, in the session's order; node_epoch names the lease
-- under which the record was appended.
CREATE TABLE session_record (
  session_id text   NOT NULL REFERENCES session_owner (session_id) ON DELETE CASCADE,
  seq        bigint NOT NULL CHECK (seq >= 0),
  node_epoch bigint NOT NULL,
  body       bytea  NOT NULL,
  PRIMARY KEY (session_id, seq)
);
