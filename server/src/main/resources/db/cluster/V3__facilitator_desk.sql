-- Quarterdeck cluster store, version 3: the facilitator desk across nodes (docs/cluster.md).

-- The signed-in facilitator who created each session ('' when created with a token only), written
-- with the owner row from the session's SessionOpened record, so that one query finds a
-- facilitator's sessions on every node. Rows written before this version are filled in from their
-- first record by the server right after this script (Schema.backfillFacilitators).
ALTER TABLE session_owner ADD COLUMN facilitator text;
CREATE INDEX session_owner_by_facilitator ON session_owner (facilitator);

-- What the facilitator's list shows of the session (a SessionSummary, protobuf bytes), written by
-- the owner whenever its phase, turn or people change; null until the owner first writes it.
ALTER TABLE session_owner ADD COLUMN summary bytea;

-- Secrets the nodes share: the key that seals facilitators' sign-in credentials, so that any node
-- can check a credential another node issued without asking anyone.
CREATE TABLE cluster_secret (
  name  text  PRIMARY KEY,
  value bytea NOT NULL
);
