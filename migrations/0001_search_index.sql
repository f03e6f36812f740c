-- Full-text index over every dataset version; rowid = dataset_versions.pk.
-- Maintained by the datasets repository in the same transaction as the version row.
CREATE VIRTUAL TABLE `dataset_fts` USING fts5(
  `title`,
  `description`,
  `keywords`,
  tokenize = 'unicode61 remove_diacritics 2'
);
