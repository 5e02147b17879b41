-- Views and table macros over the history tables. Recreated on every open, so they always match the
-- installed modeltrail.

-- As of a timestamp: the versions current at that instant (valid_from <= ts < valid_to), as they were
-- known then: still open (valid_to NULL), as nothing after ts is shown. Each version carries its
-- model's canonical id (kept by remap: migration 0003), so no join per row.
CREATE OR REPLACE MACRO model_cards_as_of(ts) AS TABLE
    SELECT h.model_id, h.* EXCLUDE (row_hash, model_id) REPLACE (CAST(NULL AS TIMESTAMPTZ) AS valid_to)
    FROM model_cards_history AS h
    WHERE h.valid_from <= CAST(ts AS TIMESTAMPTZ) AND (h.valid_to IS NULL OR h.valid_to > CAST(ts AS TIMESTAMPTZ));

CREATE OR REPLACE MACRO prices_as_of(ts) AS TABLE
    SELECT h.model_id, h.* EXCLUDE (model_id) REPLACE (CAST(NULL AS TIMESTAMPTZ) AS valid_to)
    FROM prices_history AS h
    WHERE h.valid_from <= CAST(ts AS TIMESTAMPTZ) AND (h.valid_to IS NULL OR h.valid_to > CAST(ts AS TIMESTAMPTZ));

CREATE OR REPLACE MACRO benchmarks_as_of(ts) AS TABLE
    SELECT h.model_id, h.* EXCLUDE (model_id) REPLACE (CAST(NULL AS TIMESTAMPTZ) AS valid_to)
    FROM benchmarks_history AS h
    WHERE h.valid_from <= CAST(ts AS TIMESTAMPTZ) AND (h.valid_to IS NULL OR h.valid_to > CAST(ts AS TIMESTAMPTZ));

-- A catalog's facts about the providers themselves (models.dev), as of a timestamp.
CREATE OR REPLACE MACRO providers_as_of(ts) AS TABLE
    SELECT h.* REPLACE (CAST(NULL AS TIMESTAMPTZ) AS valid_to)
    FROM providers_history AS h
    WHERE h.valid_from <= CAST(ts AS TIMESTAMPTZ) AND (h.valid_to IS NULL OR h.valid_to > CAST(ts AS TIMESTAMPTZ));

-- Sightings. Each source's latest run that saw its models (not failed, not undone): the sighting of
-- every model whose `sightings` row holds no last_seen of its own (migration 0005).
CREATE OR REPLACE VIEW sighting_runs AS
SELECT s.source, max(s.run_id) AS run_id, arg_max(r.observed_at, s.run_id) AS observed_at
FROM source_runs AS s JOIN runs AS r USING (run_id)
WHERE s.status NOT IN ('failed', 'undone')
GROUP BY ALL;

-- Per source model: when it was first and last seen, the complete runs since that missed it, when it
-- was removed, and the fingerprint of what it was last seen with (a cache: NULL makes the next load
-- stage it again).
CREATE OR REPLACE VIEW card_state AS
SELECT s.source, s.source_model_id, s.first_seen,
       coalesce(s.last_seen, l.observed_at) AS last_seen, coalesce(s.last_seen_run, l.run_id) AS last_seen_run,
       s.missed_runs, s.removed_at, s.fingerprint
FROM sightings AS s LEFT JOIN sighting_runs AS l USING (source);

-- Current values.
CREATE OR REPLACE VIEW model_cards AS
    SELECT h.model_id, h.* EXCLUDE (row_hash, valid_to, model_id)
    FROM model_cards_history AS h
    WHERE h.valid_to IS NULL;

CREATE OR REPLACE VIEW prices AS
    SELECT h.model_id, h.* EXCLUDE (valid_to, model_id)
    FROM prices_history AS h
    WHERE h.valid_to IS NULL;

CREATE OR REPLACE VIEW benchmarks AS
    SELECT h.model_id, h.* EXCLUDE (valid_to, model_id)
    FROM benchmarks_history AS h
    WHERE h.valid_to IS NULL;

-- The providers a catalog states now (models.dev): name, API base, docs link, env variables, npm package,
-- with the run and page that stated them.
CREATE OR REPLACE VIEW providers AS
    SELECT h.* EXCLUDE (valid_to)
    FROM providers_history AS h
    WHERE h.valid_to IS NULL;

-- Every field of every card version as text, one row per field: the base of `changes` and `history`.
-- (Two lists unnested side by side: half the planning of the same UNPIVOT, bench/RESULTS.md §9c.)
-- The macros take the history tables by name, so that a run's changes (run_results.sql: run_changes) read
-- the same logic over the versions of the models that run touched only.
CREATE OR REPLACE MACRO unpivot_card_fields(cards) AS TABLE
    SELECT source, source_model_id, valid_from, valid_to, run_id, url, page_sha256,
           unnest(['name', 'organization', 'version', 'release_date', 'status', 'deprecation_date',
                   'retirement_date', 'successor', 'context_window', 'max_output_tokens', 'input_modalities',
                   'output_modalities', 'capabilities', 'reasoning_efforts', 'training_cutoff', 'parameters',
                   'training_tokens', 'architecture', 'license', 'listed_date', 'hugging_face_id', 'provider',
                   'mode', 'regions', 'open_weights', 'last_updated', 'section', 'retirement_qualifier']) AS field,
           unnest([name, organization, version, release_date, status, deprecation_date, retirement_date,
                   successor,
                   CAST(context_window AS VARCHAR), CAST(max_output_tokens AS VARCHAR),
                   array_to_string(input_modalities, ','), array_to_string(output_modalities, ','),
                   array_to_string(capabilities, ','), array_to_string(reasoning_efforts, ','),
                   training_cutoff, CAST(parameters AS VARCHAR), CAST(training_tokens AS VARCHAR),
                   architecture, license, listed_date, hugging_face_id, provider, mode,
                   array_to_string(regions, ','), CAST(open_weights AS VARCHAR), last_updated, section,
                   retirement_qualifier]) AS value
    FROM query_table(cards);

CREATE OR REPLACE VIEW card_field_versions AS SELECT * FROM unpivot_card_fields(model_cards_history);

-- Prices and benchmarks as fields too: "price.input", "benchmark.gpqa[high]".
CREATE OR REPLACE MACRO unpivot_child_fields(prices, benchmarks) AS TABLE
    SELECT source, source_model_id, valid_from, valid_to, run_id, url, page_sha256,
           'price.' || kind || coalesce('[' || tier || ']', '') AS field,
           CASE WHEN variable THEN 'variable'
                WHEN coalesce(unit, '1M tokens') = '1M tokens' THEN CAST(usd_per_million_tokens AS VARCHAR)
                ELSE CAST(usd_per_unit AS VARCHAR) || ' per ' || unit END AS value
    FROM query_table(prices)
    UNION ALL
    SELECT source, source_model_id, valid_from, valid_to, run_id, url, page_sha256,
           'benchmark.' || coalesce(benchmark, '"' || reported_name || '"') || coalesce('[' || setting || ']', ''),
           CAST(value AS VARCHAR) || CASE unit WHEN 'percent' THEN '%' WHEN 'elo' THEN ' Elo' ELSE '' END
    FROM query_table(benchmarks);

CREATE OR REPLACE VIEW child_field_versions AS SELECT * FROM unpivot_child_fields(prices_history, benchmarks_history);

-- Every version of every field of one model (a canonical id, or a source's own id), optionally one
-- field (`context_window`, `price.input`, `benchmark.gpqa` and its settings). The model's source ids
-- are found first; the join with them filters each history table as it is read. (One join over the
-- union, not a semi-join per view: a third less to plan, bench/RESULTS.md §9.)
-- One period per value: a card's version holds every field, so a field that did not change while
-- others did spans several versions back to back; those are one period (from the first, until the
-- last ends), cited by the page that first stated it.
CREATE OR REPLACE MACRO model_history(m, fld) AS TABLE
    WITH f AS (
        SELECT ids.model_id, f.*,
               lag(f.value) OVER w IS DISTINCT FROM f.value OR lag(f.valid_to) OVER w IS DISTINCT FROM f.valid_from
                   AS starts
        FROM (SELECT source, source_model_id, model_id FROM model_identity
              WHERE model_id = m OR source_model_id = m) AS ids
        JOIN (SELECT * FROM card_field_versions UNION ALL SELECT * FROM child_field_versions) AS f
          USING (source, source_model_id)
        WHERE f.value IS NOT NULL AND f.value <> ''
          AND (fld IS NULL OR f.field = fld OR f.field LIKE fld || '[%')
        WINDOW w AS (PARTITION BY f.source, f.source_model_id, f.field ORDER BY f.valid_from)
    ), p AS (
        SELECT *, sum(CAST(starts AS INTEGER)) OVER (PARTITION BY source, source_model_id, field
                                                     ORDER BY valid_from) AS period
        FROM f
    )
    SELECT any_value(model_id) AS model_id, source, source_model_id, field, any_value(value) AS value,
           min(valid_from) AS valid_from, arg_max_null(valid_to, valid_from) AS valid_to,
           arg_min(url, valid_from) AS url, arg_min(page_sha256, valid_from) AS page_sha256
    FROM p
    GROUP BY source, source_model_id, field, period;

-- The change feed: added, changed (field, old -> new), deprecated, removed, unstated (a field the page
-- no longer states; its last value is kept). One row per event. The view reads all history; the macro
-- takes the history tables by name, so that one run's changes (run_results.sql: run_changes) are the same
-- events read from the versions of the models that run touched (every event of a model depends only on
-- that model's versions, and on runs, source_runs, removals and unstated, read whole).
CREATE OR REPLACE MACRO versions_to_changes(cards, prices, benchmarks) AS TABLE
WITH card_versions AS (
    SELECT source, source_model_id, valid_from, valid_to, run_id, url,
           lag(valid_to) OVER (PARTITION BY source, source_model_id ORDER BY valid_from) AS prev_to,
           row_number() OVER (PARTITION BY source, source_model_id ORDER BY valid_from) AS n
    FROM query_table(cards)
),
-- a card appears: its first version, or the first after a removal (a gap between versions)
added AS (
    SELECT valid_from AS changed_at, source, source_model_id, 'added' AS change_type,
           NULL AS field, NULL AS old_value, NULL AS new_value, run_id, url
    FROM card_versions WHERE n = 1 OR prev_to IS DISTINCT FROM valid_from
),
fields AS (
    SELECT *, lag(value) OVER w AS old_value
    FROM (SELECT * FROM unpivot_card_fields(cards) UNION ALL SELECT * FROM unpivot_child_fields(prices, benchmarks))
    WINDOW w AS (PARTITION BY source, source_model_id, field ORDER BY valid_from)
),
field_changes AS (
    SELECT f.valid_from AS changed_at, f.source, f.source_model_id,
           CASE WHEN f.field = 'status' AND f.value = 'deprecated' THEN 'deprecated'
                WHEN f.field = 'status' AND f.value = 'retired' THEN 'retired'
                ELSE 'changed' END AS change_type,
           f.field, f.old_value, f.value AS new_value, f.run_id, f.url
    FROM fields AS f
    WHERE f.old_value IS DISTINCT FROM f.value
      -- a zero price that appears is no change: a zero price and no price say the same (see child_gone)
      AND NOT (f.old_value IS NULL AND f.field LIKE 'price.%' AND regexp_matches(f.value, '^0\.0( per .*)?$'))
      -- not the fields of a card that is itself being added at this instant
      AND NOT EXISTS (SELECT 1 FROM added AS a
                      WHERE a.source = f.source AND a.source_model_id = f.source_model_id
                        AND a.changed_at = f.valid_from)
      AND (f.old_value IS NOT NULL OR f.value IS NOT NULL)
),
-- a price or benchmark that left a page while its card stayed (observed by the run that closed it).
-- A price whose last value was zero that leaves is no change: a zero price and no price say the same
-- (OpenRouter dropped every zero-valued pricing key on 2026-03-03: ~950 keys of ~340 models, no price
-- moved). Its version is closed all the same (history says what the page said); the feed keeps quiet.
-- (A zero amount reads '0.0', or '0.0 per <unit>': child_field_versions.)
child_gone AS (
    SELECT c.valid_to AS changed_at, c.source, c.source_model_id, 'changed' AS change_type,
           c.field, c.value AS old_value, NULL AS new_value,
           (SELECT max(s.run_id) FROM source_runs AS s JOIN runs AS r USING (run_id)
            WHERE s.source = c.source AND r.observed_at = c.valid_to
              AND s.status NOT IN ('failed', 'undone')) AS run_id, c.url
    FROM unpivot_child_fields(prices, benchmarks) AS c
    WHERE c.valid_to IS NOT NULL
      AND NOT (c.field LIKE 'price.%' AND regexp_matches(c.value, '^0\.0( per .*)?$'))
      AND NOT EXISTS (SELECT 1 FROM unpivot_child_fields(prices, benchmarks) AS n
                      WHERE n.source = c.source AND n.source_model_id = c.source_model_id
                        AND n.field = c.field AND n.valid_from = c.valid_to)
      AND NOT EXISTS (SELECT 1 FROM removals AS r
                      WHERE r.source = c.source AND r.source_model_id = c.source_model_id
                        AND r.removed_at = c.valid_to)
),
-- a card first seen already deprecated (or retired) is a deprecation event too
born_deprecated AS (
    SELECT a.changed_at, a.source, a.source_model_id, h.status AS change_type, 'status' AS field,
           NULL AS old_value, h.status AS new_value, a.run_id, a.url
    FROM added AS a JOIN query_table(cards) AS h
      ON h.source = a.source AND h.source_model_id = a.source_model_id AND h.valid_from = a.changed_at
    WHERE h.status IN ('deprecated', 'retired')
),
removed AS (
    SELECT removed_at AS changed_at, source, source_model_id, 'removed' AS change_type,
           NULL AS field, NULL AS old_value, NULL AS new_value, run_id, NULL AS url
    FROM removals
),
-- a field the page stopped stating (a parse miss, not a change): history keeps old_value
unstated_fields AS (
    SELECT observed_at AS changed_at, source, source_model_id, 'unstated' AS change_type,
           field, value AS old_value, NULL AS new_value, run_id, url
    FROM unstated
)
-- changed_at is when we observed the change; effective_from is when the page says it takes effect
-- (a stated deprecation or retirement date), NULL when the page names no such date.
SELECT e.changed_at, e.source, i.model_id, e.source_model_id, e.change_type, e.field, e.old_value,
       e.new_value,
       CASE WHEN e.field IN ('deprecation_date', 'retirement_date') THEN e.new_value
            WHEN e.change_type IN ('deprecated', 'retired') THEN (
                SELECT coalesce(h.deprecation_date, h.retirement_date) FROM query_table(cards) AS h
                WHERE h.source = e.source AND h.source_model_id = e.source_model_id
                  AND h.valid_from = e.changed_at)
       END AS effective_from,
       e.run_id, e.url
FROM (SELECT * FROM added UNION ALL SELECT * FROM field_changes
      UNION ALL SELECT * FROM child_gone UNION ALL SELECT * FROM born_deprecated
      UNION ALL SELECT * FROM removed UNION ALL SELECT * FROM unstated_fields) AS e
LEFT JOIN model_identity AS i USING (source, source_model_id);

CREATE OR REPLACE VIEW changes AS SELECT * FROM versions_to_changes(model_cards_history, prices_history, benchmarks_history);

-- Stated dates keep their precision ("2026", "2026-08", "2026-08-20"): the first and the last day they
-- may mean, and whether two of them can be the same day ("2026-10" and "2026-10-10" can; "2026-10-10"
-- and "2026-09-30" cannot).
CREATE OR REPLACE MACRO stated_date_first(d) AS
    CASE length(d) WHEN 10 THEN TRY_CAST(d AS DATE) WHEN 7 THEN TRY_CAST(d || '-01' AS DATE)
                   WHEN 4 THEN TRY_CAST(d || '-01-01' AS DATE) END;

CREATE OR REPLACE MACRO stated_date_last(d) AS
    CASE length(d) WHEN 10 THEN TRY_CAST(d AS DATE) WHEN 7 THEN last_day(TRY_CAST(d || '-01' AS DATE))
                   WHEN 4 THEN TRY_CAST(d || '-12-31' AS DATE) END;

CREATE OR REPLACE MACRO stated_dates_agree(a, b) AS starts_with(a, b) OR starts_with(b, a);

-- Per model and source: when it was seen, what the source says of its lifecycle, and whether it left.
-- The lifecycle facts are those of the source model's last version, current or not: a model that left
-- its page (or was removed) keeps the dates it was last stated with (absence clears nothing; a field a
-- page stops stating keeps its value in history too: `unstated`). `url` and `stated_at` say which page
-- and version stated them, `current` whether that version is still current.
-- Beside each row, what the vendor's own lifecycle page (source `deprecations`, role `vendor`) says of
-- the same model and snapshot (`snapshot`: the version a dated id names, o3-mini-2025-01-31): the
-- vendor's word next to every catalog's (role `catalog`). A host's lifecycle page (Groq's, Bedrock's:
-- role `host`) says when it stops serving its offering of the model, never the model's own end. `vendor` is the model's maker: the canonical
-- id's (or source id's) prefix, else the card's organization.
-- What a source's card of a model is to its lifecycle: 'catalog' (a catalog or reseller lists it), 'vendor'
-- (the maker's own lifecycle page: the page's vendor, the prefix of its ids, made the model; Vertex's pages
-- are Google's), 'host' (a host's lifecycle page, Groq's or Bedrock's: when it stops serving its offering).
CREATE OR REPLACE MACRO lifecycle_role(source, source_model_id, model_id) AS
    CASE WHEN source <> 'deprecations' THEN 'catalog'
         WHEN (CASE split_part(source_model_id, '/', 1) WHEN 'vertex' THEN 'google'
                    ELSE split_part(source_model_id, '/', 1) END)
              = split_part(coalesce(model_id, source_model_id), '/', 1) THEN 'vendor'
         ELSE 'host' END;

CREATE OR REPLACE VIEW lifecycle AS
WITH last_version AS (
    SELECT source, source_model_id, status, deprecation_date, retirement_date, successor, retirement_qualifier,
           section, organization, url, valid_from AS stated_at, valid_to IS NULL AS current
    FROM model_cards_history
    QUALIFY row_number() OVER (PARTITION BY source, source_model_id ORDER BY valid_from DESC) = 1
),
per_source AS (
    SELECT i.model_id, s.source, s.source_model_id, s.first_seen, s.last_seen,
           CASE WHEN s.removed_at IS NOT NULL THEN 'removed' ELSE coalesce(c.status, 'active') END AS status,
           c.status AS stated_status, c.deprecation_date, c.retirement_date, c.successor,
           d.announced_at AS deprecation_seen_at, d.url AS deprecation_url, s.removed_at,
           i.version AS snapshot, c.retirement_qualifier, c.section, c.organization, c.url, c.stated_at,
           c.current,
           lifecycle_role(s.source, s.source_model_id, i.model_id) AS role,
           coalesce(i.model_id, s.source_model_id) AS model_key
    FROM card_state AS s
    LEFT JOIN model_identity AS i USING (source, source_model_id)
    LEFT JOIN last_version AS c USING (source, source_model_id)
    LEFT JOIN (SELECT source, source_model_id, min(valid_from) AS announced_at, arg_min(url, valid_from) AS url
               FROM model_cards_history
               WHERE status IN ('deprecated', 'retired') OR deprecation_date IS NOT NULL
                  OR retirement_date IS NOT NULL
               GROUP BY ALL) AS d USING (source, source_model_id)
),
-- the vendor's word per model and snapshot (one page, when several vendors' pages name it: the maker's)
vendor_word AS (
    SELECT model_key, snapshot, stated_status, deprecation_date, retirement_date, retirement_qualifier,
           successor, url
    FROM per_source
    WHERE role = 'vendor'
    QUALIFY row_number() OVER (PARTITION BY model_key, snapshot
                               ORDER BY split_part(source_model_id, '/', 1) = split_part(model_key, '/', 1) DESC,
                                        retirement_date IS NULL, source_model_id) = 1
)
SELECT p.* EXCLUDE (model_key),
       CASE WHEN p.model_key LIKE '%/%' THEN lower(split_part(p.model_key, '/', 1))
            ELSE lower(p.organization) END AS vendor,
       v.stated_status AS vendor_status, v.deprecation_date AS vendor_deprecation_date,
       v.retirement_date AS vendor_retirement_date, v.retirement_qualifier AS vendor_retirement_qualifier,
       v.successor AS vendor_successor, v.url AS vendor_url
FROM per_source AS p
LEFT JOIN vendor_word AS v ON v.model_key = p.model_key AND v.snapshot IS NOT DISTINCT FROM p.snapshot;

-- How a model's series are named per source: the source, or `source:id` when the source lists the model
-- under several ids (a dated snapshot, a ":free" offering), whose values must not be drawn as one line.
CREATE OR REPLACE VIEW source_labels AS
SELECT source, source_model_id, model_id,
       CASE WHEN model_id IS NOT NULL AND count(*) OVER (PARTITION BY model_id, source) > 1
            THEN source || ':' || source_model_id ELSE source END AS label
FROM model_identity;

-- Source ids that map to no canonical model (add aliases for them: `modeltrail alias add`), each with the
-- name, organization and page of its last version (a model its source no longer lists included).
-- `why`: what the rules made of the id (model_identity.resolved_by without its "unmatched: "): a router, a
-- fine-tune, a price tier, or what part of it they could not read.
CREATE OR REPLACE VIEW unmatched AS
SELECT i.source, i.source_model_id, c.name, c.organization, c.url,
       regexp_replace(coalesce(i.resolved_by, ''), '^unmatched: ', '') AS why
FROM model_identity AS i
LEFT JOIN (SELECT source, source_model_id, arg_max(name, valid_from) AS name,
                  arg_max(organization, valid_from) AS organization, arg_max(url, valid_from) AS url
           FROM model_cards_history GROUP BY ALL) AS c USING (source, source_model_id)
WHERE i.model_id IS NULL;

-- Side by side: per canonical model and field, the current value from each source.
CREATE OR REPLACE VIEW model_compare AS
SELECT i.model_id, f.field, f.source, f.source_model_id, f.value, f.url, f.valid_from AS seen_since
FROM (SELECT * FROM card_field_versions UNION ALL SELECT * FROM child_field_versions) AS f
JOIN model_identity AS i USING (source, source_model_id)
WHERE f.valid_to IS NULL AND f.value IS NOT NULL AND f.value <> ''
  AND i.model_id IS NOT NULL
  AND f.field NOT IN ('name');

-- Where sources disagree beyond rounding: no one value is stated by every source that states the field
-- (a source listing the model under several ids, a ":free" offering beside the paid one, agrees with
-- another source when one of its values does). A number is compared at the coarser precision of the
-- two (77.0 vs 77.3 is a conflict; 0.87 vs 0.9 is not); a date at the coarser precision (2023-09 vs
-- 2023-09-30 is not; 2025-01 vs 2024-12-20 is); other text case-insensitively.
-- Lifecycle dates (deprecation, retirement) are compared per model and snapshot, from what each source
-- last stated (the `lifecycle` view: a model that left its page keeps its dates), the vendor's page among
-- them: two sources disagree when no date of one can be the same day as a date of the other (2026-10 and
-- 2026-10-10 agree; 2026-10-10 and 2026-09-30 do not); `snapshot` names the dated version they are of.
CREATE OR REPLACE VIEW conflicts AS
WITH v AS (
    SELECT model_id, field, source, value,
           TRY_CAST(regexp_replace(value, '( Elo|%)$', '') AS DOUBLE) AS num,
           -- (a zero is exact: a free offering's "0.0" does not make every price compare at one decimal)
           CASE WHEN num = 0 THEN NULL
                ELSE length(regexp_extract(regexp_replace(value, '( Elo|%)$', ''), '\.(\d+)$', 1)) END AS decimals,
           regexp_full_match(value, '\d{4}(-\d{2}(-\d{2})?)?') AS is_date
    FROM model_compare
    -- (left out: what differs by offering or by source by nature, not a disagreement about the model: who
    -- serves it and where, when a source listed or last updated its entry, a lifecycle page's wording)
    WHERE field NOT IN ('organization', 'version', 'capabilities', 'reasoning_efforts', 'license',
                        'deprecation_date', 'retirement_date', 'provider', 'regions', 'listed_date',
                        'last_updated', 'section', 'retirement_qualifier')
),
keyed AS (
    SELECT *,
           CASE WHEN bool_and(is_date) OVER w THEN left(value, min(length(value)) OVER w)
                WHEN bool_and(num IS NOT NULL) OVER w THEN CAST(round(num, CAST(coalesce(min(decimals) OVER w, 0) AS INTEGER)) AS VARCHAR)
                ELSE lower(value) END AS compared_as
    FROM v
    WINDOW w AS (PARTITION BY model_id, field)
),
agreeing AS (
    SELECT *, count(DISTINCT source) OVER (PARTITION BY model_id, field, compared_as) AS sources_stating_it
    FROM keyed
),
stated_dates AS (
    SELECT * FROM (SELECT coalesce(model_id, source_model_id) AS model_id, snapshot, source,
                          unnest(['deprecation_date', 'retirement_date']) AS field,
                          unnest([deprecation_date, retirement_date]) AS value
                   FROM lifecycle)
    WHERE value IS NOT NULL
),
disagreeing AS (
    SELECT DISTINCT model_id, snapshot, field FROM (
        SELECT a.model_id, a.snapshot, a.field
        FROM stated_dates AS a JOIN stated_dates AS b
          ON a.model_id = b.model_id AND a.snapshot IS NOT DISTINCT FROM b.snapshot AND a.field = b.field
         AND a.source < b.source
        GROUP BY a.model_id, a.snapshot, a.field, a.source, b.source
        HAVING NOT bool_or(stated_dates_agree(a.value, b.value)))
)
SELECT model_id, field, list(source || '=' || value ORDER BY source, value) AS values_by_source,
       count(DISTINCT source) AS sources, CAST(NULL AS VARCHAR) AS snapshot
FROM agreeing
GROUP BY model_id, field
HAVING count(DISTINCT source) > 1 AND max(sources_stating_it) < count(DISTINCT source)
UNION ALL
SELECT d.model_id, d.field, list(d.source || '=' || d.value ORDER BY d.source, d.value) AS values_by_source,
       count(DISTINCT d.source) AS sources, d.snapshot
FROM stated_dates AS d
JOIN disagreeing AS x ON x.model_id = d.model_id AND x.snapshot IS NOT DISTINCT FROM d.snapshot AND x.field = d.field
GROUP BY d.model_id, d.snapshot, d.field;

-- Each reseller's current price against the vendor's own list price, per kind (markup as a share). Each
-- side names its source id: a source may list one model under several (a dated snapshot, a ":free"
-- offering), each priced apart.
CREATE OR REPLACE VIEW price_compare AS
WITH p AS (
    SELECT model_id, source, source_model_id, kind, tier, usd_per_million_tokens AS usd FROM prices
    WHERE model_id IS NOT NULL AND usd_per_million_tokens IS NOT NULL
)
SELECT r.model_id, r.kind, r.source, r.tier, r.usd AS usd_per_million_tokens,
       v.source AS vendor_source, v.usd AS vendor_usd_per_million_tokens,
       round(r.usd / nullif(v.usd, 0) - 1, 4) AS markup,
       r.source_model_id, v.source_model_id AS vendor_source_model_id
FROM p AS r
JOIN vendors AS vd ON split_part(r.model_id, '/', 1) = vd.organization
JOIN p AS v ON v.model_id = r.model_id AND v.kind = r.kind AND v.source = vd.source AND v.tier IS NULL
WHERE r.source <> vd.source;

-- One row per canonical model: its vendor, how many offerings each source lists now, the cheapest current
-- input and output price (per million tokens) and where, the vendor's own lifecycle word (the
-- `deprecations` source, else the most severe any source states), and the context window most sources state.
CREATE OR REPLACE VIEW models AS
WITH cur AS (
    SELECT c.model_id, c.source, c.source_model_id, c.status, c.retirement_date, c.context_window
    FROM model_cards AS c WHERE c.model_id IS NOT NULL
),
offers AS (
    SELECT model_id, string_agg(source || ':' || n, ',' ORDER BY source) AS offerings, sum(n) AS offering_count
    FROM (SELECT model_id, source, count(*) AS n FROM cur GROUP BY ALL) GROUP BY ALL
),
px AS (
    SELECT model_id, kind, min(usd_per_million_tokens) AS usd,
           arg_min(source || ':' || source_model_id, usd_per_million_tokens) AS at
    FROM prices
    WHERE model_id IS NOT NULL AND kind IN ('input', 'output') AND tier IS NULL AND NOT variable
      AND usd_per_million_tokens > 0
    GROUP BY ALL
),
-- the maker's word (its lifecycle page: lifecycle's role `vendor`); else what every offering says, a model
-- being retired or deprecated only where all its offerings are (one host retiring its offering, Groq's
-- llama-3.3-70b-versatile, retires no model), and its end the last of theirs when each states one
life AS (
    SELECT model_id,
           coalesce(max(status) FILTER (WHERE lifecycle_role(source, source_model_id, model_id) = 'vendor'),
                    CASE WHEN bool_and(coalesce(status, 'active') = 'retired') THEN 'retired'
                         WHEN bool_and(coalesce(status, 'active') IN ('deprecated', 'retired')) THEN 'deprecated'
                    END) AS lifecycle,
           coalesce(min(retirement_date) FILTER (WHERE lifecycle_role(source, source_model_id, model_id) = 'vendor'),
                    CASE WHEN bool_and(retirement_date IS NOT NULL) THEN max(retirement_date) END) AS retirement_date,
           mode(context_window) AS context_window
    FROM cur GROUP BY ALL
)
SELECT split_part(o.model_id, '/', 1) AS vendor, o.model_id, o.offering_count, o.offerings,
       i.usd AS cheapest_input, i.at AS cheapest_input_at, p.usd AS cheapest_output, p.at AS cheapest_output_at,
       l.lifecycle, l.retirement_date, l.context_window
FROM offers AS o
LEFT JOIN life AS l USING (model_id)
LEFT JOIN px AS i ON i.model_id = o.model_id AND i.kind = 'input'
LEFT JOIN px AS p ON p.model_id = o.model_id AND p.kind = 'output';
