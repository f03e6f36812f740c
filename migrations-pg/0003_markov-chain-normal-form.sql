-- Markov chain URIs stored before femto normalised them where they enter (normalMarkovChainUri in
-- src/modules/datasets/physics.schema.ts) into that normal form, as migrations/0020_markov-chain-normal-form.sql
-- does in SQLite (see there): trim (JavaScript's whitespace), trailing slashes off (one kept of a URI of slashes
-- alone), then scheme and host (up to the first /, ? or #) lower case when a scheme:// opens the URI.
CREATE TEMP TABLE chain_related AS
SELECT version_pk, position, value FROM related_identifiers,
       (SELECT string_agg(chr(c), '') AS c FROM unnest(ARRAY[9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279]) AS u(c)) ws
 WHERE lower(substr(btrim(value, ws.c), 1, 5)) = 'mc://' OR (identifier_type = 'ILDG' AND lower(substr(btrim(value, ws.c), 1, 6)) <> 'lfn://');
--> statement-breakpoint
CREATE TEMP TABLE chain_normal_form (stored text PRIMARY KEY, normal text NOT NULL);
--> statement-breakpoint
INSERT INTO chain_normal_form (stored, normal)
WITH ws(c) AS (SELECT string_agg(chr(c), '') FROM unnest(ARRAY[9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279]) AS u(c)),
stored(stored) AS (SELECT markov_chain_uri FROM version_ensembles UNION SELECT markov_chain_uri FROM lattice_configurations UNION SELECT value FROM chain_related),
trimmed(stored, t) AS (SELECT stored, btrim(stored, ws.c) FROM stored, ws),
unslashed(stored, u) AS (SELECT stored, CASE WHEN rtrim(t, '/') = '' AND t <> '' THEN '/' ELSE rtrim(t, '/') END FROM trimmed),
split(stored, u, m) AS (SELECT stored, u, regexp_match(u, '^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$') FROM unslashed),
normal(stored, normal) AS (SELECT stored, CASE WHEN m IS NULL THEN u ELSE lower(m[1]) || lower(m[2]) || m[3] END FROM split)
SELECT stored, normal FROM normal WHERE normal <> stored;
--> statement-breakpoint
-- A chain names one record: where records' spellings meet in one normal form, the record already holding the
-- normal form keeps it, else the one that stated the chain first; the others keep their spelling.
CREATE TEMP TABLE chain_holder AS
WITH ensembles AS (
  SELECT e.version_pk, v.dataset_id, e.markov_chain_uri AS stored, coalesce(n.normal, e.markov_chain_uri) AS normal
    FROM version_ensembles e JOIN dataset_versions v ON v.pk = e.version_pk LEFT JOIN chain_normal_form n ON n.stored = e.markov_chain_uri),
claims AS (
  SELECT normal, dataset_id, max(CASE WHEN stored = normal THEN 1 ELSE 0 END) AS held, min(version_pk) AS first FROM ensembles GROUP BY normal, dataset_id)
SELECT normal, dataset_id FROM (SELECT normal, dataset_id, row_number() OVER (PARTITION BY normal ORDER BY held DESC, first) AS rank FROM claims) ranked WHERE rank = 1;
--> statement-breakpoint
-- One change to each published version whose ensemble or related identifiers are rewritten (a configuration's
-- rewrite moves its ensemble's versions through lattice_configurations_touch_upd).
SELECT femto_touch(ARRAY(
  SELECT v.pk FROM dataset_versions v
   WHERE v.state = 'published'
     AND (v.pk IN (SELECT e.version_pk FROM version_ensembles e JOIN chain_normal_form n ON n.stored = e.markov_chain_uri
                    JOIN chain_holder h ON h.normal = n.normal AND h.dataset_id = v.dataset_id)
          OR v.pk IN (SELECT r.version_pk FROM chain_related r JOIN chain_normal_form n ON n.stored = r.value))), femto_now());
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
