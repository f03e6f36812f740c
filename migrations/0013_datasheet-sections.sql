-- Datasheets become seven typed sections (src/modules/datasets/datasheet.schema.ts). What the free-form JSON
-- object of earlier versions held moves into the new shape without loss: a key named after a section holding
-- text becomes that section's summary; one holding an object of text answers to that section's questions stays
-- that section; everything else is kept as given under `notes`.
WITH text_keys(section, key) AS (VALUES
  ('motivation', 'summary'), ('motivation', 'purpose'), ('motivation', 'creators'), ('motivation', 'funding'),
  ('composition', 'summary'), ('composition', 'instances'), ('composition', 'sampling'), ('composition', 'instanceContents'),
  ('composition', 'labels'), ('composition', 'missingInformation'), ('composition', 'relationships'), ('composition', 'errorsAndNoise'),
  ('composition', 'externalResources'), ('composition', 'sensitiveDataDetails'),
  ('collection', 'summary'), ('collection', 'acquisition'), ('collection', 'mechanisms'), ('collection', 'samplingStrategy'),
  ('collection', 'collectors'), ('collection', 'ethicalReview'), ('collection', 'consent'),
  ('preprocessing', 'summary'), ('preprocessing', 'preprocessing'), ('preprocessing', 'labelling'), ('preprocessing', 'rawDataSaved'),
  ('preprocessing', 'software'),
  ('uses', 'summary'), ('uses', 'priorUses'), ('uses', 'impactOnFutureUses'), ('uses', 'socialImpact'),
  ('distribution', 'summary'), ('distribution', 'thirdParties'), ('distribution', 'method'), ('distribution', 'when'),
  ('distribution', 'licenseTerms'), ('distribution', 'thirdPartyRestrictions'), ('distribution', 'exportControls'),
  ('maintenance', 'summary'), ('maintenance', 'maintainer'), ('maintenance', 'erratum'), ('maintenance', 'updatePolicy'),
  ('maintenance', 'retention'), ('maintenance', 'olderVersions'), ('maintenance', 'contributions')
),
entries AS (
  SELECT v.pk, e.key,
    CASE
      WHEN e.type = 'text' AND length(trim(e.value)) BETWEEN 1 AND 20000 AND EXISTS (SELECT 1 FROM text_keys t WHERE t.section = e.key)
        THEN json_object('summary', trim(e.value))
      WHEN e.type = 'object' AND EXISTS (SELECT 1 FROM json_each(e.value))
           AND NOT EXISTS (
             SELECT 1 FROM json_each(e.value) i
              WHERE i.type <> 'text' OR length(trim(i.value)) NOT BETWEEN 1 AND 20000
                 OR NOT EXISTS (SELECT 1 FROM text_keys t WHERE t.section = e.key AND t.key = i.key))
        THEN (SELECT json_group_object(i.key, trim(i.value)) FROM json_each(e.value) i)
    END AS section_json,
    -- every value as JSON text, so nothing depends on JSON subtypes surviving the CTE
    CASE e.type WHEN 'text' THEN json_quote(e.value) WHEN 'integer' THEN CAST(e.value AS TEXT) WHEN 'real' THEN json_quote(e.value)
      WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE e.value END AS raw_json
  FROM dataset_versions v, json_each(v.datasheet) e
  WHERE v.datasheet IS NOT NULL AND json_type(v.datasheet) = 'object'
)
UPDATE dataset_versions SET datasheet = (
  SELECT CASE WHEN notes IS NULL THEN sections ELSE json_set(sections, '$.notes', json(notes)) END
    FROM (SELECT coalesce((SELECT json_group_object(x.key, json(x.section_json)) FROM entries x WHERE x.pk = dataset_versions.pk AND x.section_json IS NOT NULL), '{}') AS sections,
                 (SELECT json_group_object(x.key, json(x.raw_json)) FROM entries x WHERE x.pk = dataset_versions.pk AND x.section_json IS NULL HAVING count(*) > 0) AS notes))
 WHERE datasheet IS NOT NULL AND json_type(datasheet) = 'object';
