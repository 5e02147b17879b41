-- Models' lifecycles as the sources state them: `modeltrail lifecycle` (modeltrail/cli_query.py),
-- `deprecations`, its RSS feed (modeltrail/shutdowns.py) and `deprecations --check`
-- (modeltrail/cli_deprecations.py).

-- name: lifecycle
SELECT * FROM lifecycle ORDER BY model_id, source, source_model_id;

-- name: shutdowns
-- `modeltrail deprecations`: stated shutdowns per model and snapshot, soonest first; each model's rows
-- together, the vendor's page first and every catalog's statement next to it. A model is shown when
-- one of its stated retirement dates lies between $today and $horizon (NULL: any later day), or before
-- $today when $past; a date of month or year precision counts from its first to its last day. Ordered
-- by the vendor's date when its page states one, else the earliest. $vendor: the maker (the canonical
-- id's prefix or the card's organization), any case.
WITH l AS (
    SELECT coalesce(model_id, source_model_id) AS model, snapshot, source, role, source_model_id, vendor,
           organization, stated_status, retirement_date, retirement_qualifier, successor, deprecation_date,
           url, section, current,
           stated_date_first(retirement_date) AS first_day, stated_date_last(retirement_date) AS last_day
    FROM lifecycle
    WHERE retirement_date IS NOT NULL OR stated_status IN ('deprecated', 'retired')
),
g AS (
    SELECT model, snapshot,
           coalesce(min(first_day) FILTER (WHERE role = 'vendor'), min(first_day)) AS ordered_by,
           bool_or(first_day IS NOT NULL
                   AND ((last_day >= $today AND ($horizon IS NULL OR first_day <= $horizon))
                        OR ($past AND last_day < $today))) AS in_window,
           bool_or($vendor IS NULL OR lower($vendor) IN (vendor, lower(organization))) AS of_vendor
    FROM l GROUP BY ALL
)
SELECT l.retirement_date AS shutdown,
       CASE WHEN l.first_day < $today AND l.last_day >= $today THEN 0
            ELSE CAST(l.first_day - $today AS BIGINT) END AS days_left,
       l.vendor, l.model AS model_id, l.snapshot, l.source, l.source_model_id,
       l.stated_status AS status, l.retirement_qualifier AS qualifier, l.successor AS replacement,
       l.deprecation_date AS announced, l.section, l.current, l.url
FROM l JOIN g ON g.model = l.model AND g.snapshot IS NOT DISTINCT FROM l.snapshot
WHERE g.in_window AND g.of_vendor
ORDER BY g.ordered_by, l.model, l.snapshot NULLS FIRST, l.role = 'vendor' DESC, l.first_day NULLS LAST,
         l.source, l.source_model_id;

-- name: lifecycle_changes
-- The change feed's lifecycle events (a status, a deprecation or retirement date, a qualifier or a
-- successor set, moved or changed), newest first, with the page that stated each: `deprecations
-- --format rss`. $vendor as for `shutdowns`.
SELECT c.changed_at, c.source, coalesce(c.model_id, c.source_model_id) AS model_id, c.source_model_id,
       c.change_type, c.field, c.old_value, c.new_value, c.effective_from, c.url, l.vendor,
       l.retirement_date, l.successor
FROM changes AS c
LEFT JOIN lifecycle AS l USING (source, source_model_id)
WHERE c.change_type IN ('changed', 'deprecated', 'retired')
  AND c.field IN ('status', 'deprecation_date', 'retirement_date', 'retirement_qualifier', 'successor')
  AND ($vendor IS NULL OR lower($vendor) IN (l.vendor, lower(l.organization)))
ORDER BY c.changed_at DESC, c.source, c.source_model_id, c.field
LIMIT $limit;

-- name: known_ids
-- Every id the warehouse knows a model by, with its lifecycle row (`deprecations --check`).
SELECT coalesce(model_id, source_model_id) AS model_id, snapshot, source, source_model_id, role,
       stated_status, retirement_date, retirement_qualifier, successor, url
FROM lifecycle;
