-- Quarterdeck cluster store, version 2: facilitators' archive flags (a session hidden from its
-- facilitator's list), shared by every node instead of kept in each node's memory.
CREATE TABLE archived_session (
  session_id  text        PRIMARY KEY REFERENCES session_owner (session_id) ON DELETE CASCADE,
  archived_at timestamptz NOT NULL DEFAULT now()
);
