-- Signing-key rotation: several keys per algorithm, chosen by time so that every node agrees without coordination.
-- A key is published in the JWKS from its creation, signs from not_before, and is withdrawn once its successor has
-- signed for longer than the longest token lifetime. The application computes that from these columns.

ALTER TABLE signing_key ADD COLUMN not_before timestamptz;
-- keys created before rotation existed signed at once
UPDATE signing_key SET not_before = created_at;
ALTER TABLE signing_key ALTER COLUMN not_before SET NOT NULL;

-- set when a key is withdrawn by hand (never signs, never published, never verifies again); the row is kept
ALTER TABLE signing_key ADD COLUMN retired_at timestamptz;

-- V1's "active" flag is no longer read. A key someone had switched off must not come back as a signer.
UPDATE signing_key SET retired_at = now() WHERE NOT active;
COMMENT ON COLUMN signing_key.active IS 'unused since V3 (see not_before and retired_at); kept for nodes still on V1 code';

CREATE INDEX signing_key_algorithm_not_before ON signing_key (algorithm, not_before);
