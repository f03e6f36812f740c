-- Markov chain URIs stored before femto normalised them where they enter (normalMarkovChainUri in
-- src/modules/datasets/physics.schema.ts) into that normal form: the ensemble block, the configurations, and the
-- related identifiers naming a chain. Every stored spelling and its normal form, where the two differ; the stages of
-- the CTE are the function's: trim (JavaScript's whitespace), trailing slashes off (one kept of a URI of slashes
-- alone), then scheme and host (up to the first /, ? or #) lower case when a scheme:// opens the URI.
-- The related identifiers naming a chain (namesMarkovChain).
CREATE TEMP TABLE chain_related AS
WITH ws(c) AS (SELECT char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279))
SELECT version_pk, position, value FROM related_identifiers, ws
 WHERE lower(substr(trim(value, ws.c), 1, 5)) = 'mc://' OR (identifier_type = 'ILDG' AND lower(substr(trim(value, ws.c), 1, 6)) <> 'lfn://');
--> statement-breakpoint
CREATE TEMP TABLE chain_normal_form (stored text PRIMARY KEY, normal text NOT NULL);
--> statement-breakpoint
INSERT INTO chain_normal_form (stored, normal)
WITH ws(c) AS (SELECT char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)),
stored(stored) AS (SELECT markov_chain_uri FROM version_ensembles UNION SELECT markov_chain_uri FROM lattice_configurations UNION SELECT value FROM chain_related),
trimmed(stored, t) AS (SELECT stored, trim(stored, ws.c) FROM stored, ws),
unslashed(stored, u) AS (SELECT stored, CASE WHEN rtrim(t, '/') = '' AND t <> '' THEN '/' ELSE rtrim(t, '/') END FROM trimmed),
split(stored, u, p) AS (SELECT stored, u, instr(u, '://') FROM unslashed),
schemed(stored, u, head, rest) AS (
  SELECT stored, u, substr(u, 1, p + 2), substr(u, p + 3) FROM split
   WHERE p > 1 AND substr(u, 1, p - 1) GLOB '[A-Za-z]*' AND substr(u, 1, p - 1) NOT GLOB '*[^A-Za-z0-9+.-]*'),
hosted(stored, head, rest, e) AS (
  SELECT stored, head, rest, min(coalesce(nullif(instr(rest, '/'), 0), length(rest) + 1), coalesce(nullif(instr(rest, '?'), 0), length(rest) + 1),
                                 coalesce(nullif(instr(rest, '#'), 0), length(rest) + 1)) FROM schemed),
normal(stored, normal) AS (
  SELECT stored, lower(head) || lower(substr(rest, 1, e - 1)) || substr(rest, e) FROM hosted
  UNION ALL SELECT stored, u FROM split WHERE stored NOT IN (SELECT stored FROM schemed))
SELECT stored, normal FROM normal WHERE normal <> stored;
--> statement-breakpoint
-- A chain names one record (the rule femto keeps on writes). Where records' spellings meet in one normal form, the
-- record already holding the normal form keeps it, else the one that stated the chain first; the others keep
-- their spelling (so a lookup finds one record, and a new version claiming the chain is refused as taken).
CREATE TEMP TABLE chain_holder AS
WITH ensembles AS (
  SELECT e.version_pk, v.dataset_id, e.markov_chain_uri AS stored, coalesce(n.normal, e.markov_chain_uri) AS normal
    FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk LEFT JOIN chain_normal_form n ON n.stored = e.markov_chain_uri),
claims AS (
  SELECT normal, dataset_id, max(CASE WHEN stored = normal THEN 1 ELSE 0 END) AS held, min(version_pk) AS first FROM ensembles GROUP BY normal, dataset_id)
SELECT normal, dataset_id FROM (SELECT normal, dataset_id, row_number() OVER (PARTITION BY normal ORDER BY held DESC, first) AS rank FROM claims) WHERE rank = 1;
--> statement-breakpoint
-- Their representations change: one change to each published version whose ensemble or related identifiers are
-- rewritten (a configuration's rewrite moves its ensemble's versions through lattice_configurations_touch_upd).
INSERT INTO version_changes (version_pk, seq, changed_at)
  SELECT v.pk, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM dataset_versions v
   WHERE v.state = 'published'
     AND (v.pk IN (SELECT e.version_pk FROM version_ensembles e JOIN chain_normal_form n ON n.stored = e.markov_chain_uri
                    JOIN chain_holder h ON h.normal = n.normal AND h.dataset_id = v.dataset_id)
          OR v.pk IN (SELECT r.version_pk FROM chain_related r JOIN chain_normal_form n ON n.stored = r.value))
  ON CONFLICT (version_pk) DO UPDATE SET seq = seq + 1, changed_at = max(changed_at, excluded.changed_at);
--> statement-breakpoint
UPDATE version_ensembles SET markov_chain_uri = (SELECT normal FROM chain_normal_form WHERE stored = markov_chain_uri)
 WHERE markov_chain_uri IN (SELECT n.stored FROM chain_normal_form n JOIN chain_holder h ON h.normal = n.normal
                             WHERE h.dataset_id = (SELECT dataset_id FROM dataset_versions WHERE pk = version_ensembles.version_pk));
--> statement-breakpoint
UPDATE lattice_configurations SET markov_chain_uri = (SELECT normal FROM chain_normal_form WHERE stored = markov_chain_uri)
 WHERE markov_chain_uri IN (SELECT stored FROM chain_normal_form);
--> statement-breakpoint
UPDATE related_identifiers SET value = (SELECT normal FROM chain_normal_form WHERE stored = value)
 WHERE (version_pk, position) IN (SELECT r.version_pk, r.position FROM chain_related r JOIN chain_normal_form n ON n.stored = r.value);
--> statement-breakpoint
DROP TABLE chain_holder;
--> statement-breakpoint
DROP TABLE chain_normal_form;
--> statement-breakpoint
DROP TABLE chain_related;
