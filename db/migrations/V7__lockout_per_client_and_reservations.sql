-- The brute-force defence turned against no one (issue 9): failures are counted per (user name, client address)
-- "pair:<address> <name>", per client address "ip:<address>", per known browser "device:<nonce>" (its device
-- cookie), per user name from all addresses "user:<name>" and per second-factor user "totp:<user id>"; names are
-- canonical (NFKC, case folded). Each attempt reserves its place before the password or code is checked.

-- The canonical user name a key counts for, so an operator's unlock clears every key of that name.
ALTER TABLE login_throttle ADD COLUMN username text;
-- Attempts reserved and not yet settled: with the failures they may not exceed the key's allowance.
ALTER TABLE login_throttle ADD COLUMN in_flight integer NOT NULL DEFAULT 0;
-- The latest reservation: when it is a minute old, whatever is still in flight was lost (a node stopped) and
-- no longer counts.
ALTER TABLE login_throttle ADD COLUMN reserved_at timestamptz;

CREATE INDEX login_throttle_username ON login_throttle (username);
