-- core.funding_rounds refreshed after drop files were delivered (or delivered again), when the
-- main rounds file and the companies are those it was built from: only the round keys those
-- drops hold now, or held when the table was written, are written again (parameter: the variable
-- `changed_drops`, the drops' file names). Rows of a file no longer delivered go too.
CREATE OR REPLACE TEMP TABLE _refresh_keys AS
SELECT round_key FROM staging.round_drops WHERE _drop IN (SELECT unnest(getvariable('changed_drops')))
UNION
SELECT round_key FROM core.funding_rounds
WHERE _source_file IN (SELECT _source_file FROM staging.round_drops
                       WHERE _drop IN (SELECT unnest(getvariable('changed_drops'))))
   OR _source_file NOT IN (SELECT _source_file FROM staging.rounds
                           UNION SELECT _source_file FROM staging.round_drops
                           UNION SELECT _source_file FROM staging.epoch_funding_rounds
                           UNION SELECT _source_file FROM staging.bulk_funding_rounds
                           UNION SELECT _source_file FROM staging.mapped_rounds);

CREATE OR REPLACE TEMP VIEW _scope AS
SELECT * FROM _deliveries WHERE round_key IN (SELECT round_key FROM _refresh_keys);

DELETE FROM core.funding_rounds WHERE round_key IN (SELECT round_key FROM _refresh_keys);

INSERT INTO core.funding_rounds
SELECT * EXCLUDE (_drop) FROM _winners ORDER BY _drop NULLS FIRST, _source_row;
