-- Weekly tone per host country: one row per (country, ISO week), from posts.
-- Each post counts once: the row with the latest collected_at per post_id (a post re-collected before
-- compaction is in the lake twice). Weeks are ISO weeks, Monday to Sunday, of created_at in UTC; the brief
-- uses the country's time zone, so a post within hours of midnight Sunday/Monday can land in the
-- neighbouring week here. As in the brief, reposts count in volume but not in tone, and the shares are of
-- scored posts (posts in a language without a sentiment backend are unscored).
CREATE OR REPLACE VIEW weekly_tone_by_country AS
WITH versions AS (
    SELECT
        p.*,
        -- Not keyed on dt: a platform can report a different time for the same post in two responses, so
        -- its copies can sit in two dt partitions. A filter on country still prunes through the view; one
        -- on dates does not (query posts with a dt range for that). Ties go to the later created_at.
        row_number() OVER (
            PARTITION BY p.country, p.post_id ORDER BY p.collected_at DESC, p.created_at DESC
        ) AS version
    FROM posts AS p
),
latest AS (
    SELECT * FROM versions WHERE version = 1
)
SELECT
    country,
    format('%d-W%02d', year_of_week(created_at), week_of_year(created_at)) AS week,
    CAST(date_trunc('week', created_at) AS date) AS week_start,
    count(*) AS posts,
    count_if(is_repost) AS reposts,
    count(DISTINCT author_id) AS authors,
    count(sentiment) FILTER (WHERE NOT is_repost) AS scored,
    avg(sentiment) FILTER (WHERE NOT is_repost) AS mean_sentiment,
    stddev_samp(sentiment) FILTER (WHERE NOT is_repost) AS sd_sentiment,
    CAST(count_if(sentiment_label = 'positive' AND NOT is_repost) AS double)
        / nullif(count(sentiment) FILTER (WHERE NOT is_repost), 0) AS positive_share,
    CAST(count_if(sentiment_label = 'neutral' AND NOT is_repost) AS double)
        / nullif(count(sentiment) FILTER (WHERE NOT is_repost), 0) AS neutral_share,
    CAST(count_if(sentiment_label = 'negative' AND NOT is_repost) AS double)
        / nullif(count(sentiment) FILTER (WHERE NOT is_repost), 0) AS negative_share,
    CAST(count_if(sentiment_label = 'positive' AND NOT is_repost)
        - count_if(sentiment_label = 'negative' AND NOT is_repost) AS double)
        / nullif(count(sentiment) FILTER (WHERE NOT is_repost), 0) AS net_tone
FROM latest
GROUP BY
    country,
    format('%d-W%02d', year_of_week(created_at), week_of_year(created_at)),
    CAST(date_trunc('week', created_at) AS date)
