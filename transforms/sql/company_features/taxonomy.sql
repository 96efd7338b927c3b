-- The vertical as of as_of: the undated signals of core.company_taxonomy, and an Epoch AI model
-- published by as_of, which makes a model builder (confidence 1) unless the undated signals make
-- it an AI chip company or an application in a sector its categories state.
SELECT company_id,
       CASE WHEN _builder THEN true ELSE ai_signal END                               AS ai_signal,
       CASE WHEN first_model_on IS NOT NULL THEN 1.0 ELSE ai_confidence END::DOUBLE  AS ai_confidence,
       CASE WHEN _builder AND sector_by_default THEN NULL ELSE sector END            AS sector,
       CASE WHEN _builder THEN 'generative_models' ELSE vertical_by_categories END   AS vertical,
       nullif(concat_ws('; ',
           CASE WHEN first_model_on IS NOT NULL
                THEN 'Epoch AI model builder (first model ' || strftime(first_model_on, '%Y-%m-%d') || ')' END,
           CASE WHEN _builder THEN regexp_replace(vertical_reason, '; no sector category: .*$', '')
                ELSE vertical_reason END), '')                                       AS vertical_reason
FROM (
    SELECT t.*, m.first_model_on,
           m.first_model_on IS NOT NULL
           AND coalesce(t.vertical_by_categories, '') NOT IN ('ai_semiconductors', 'generative_models')
           AND (t.sector IS NULL OR t.sector_by_default OR t.vertical_by_categories IS NULL) AS _builder
    FROM core.company_taxonomy AS t
    LEFT JOIN (SELECT company_id, first_model_on FROM models WHERE $epoch_model_builders) AS m
           USING (company_id)
)
