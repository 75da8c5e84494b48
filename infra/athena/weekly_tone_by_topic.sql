-- Weekly tone per host country and configured topic: one row per (country, ISO week, topic), from posts.
-- Same rules as weekly_tone_by_country: each post once (latest collected_at per post_id), ISO weeks of
-- created_at in UTC, reposts in volume but not in tone, shares of scored posts. A post matching several
-- topics counts in each. For the brief's own per-topic figures (share of voice with intervals, Holm-adjusted
-- tests) query weekly_topics instead.
CREATE OR REPLACE VIEW weekly_tone_by_topic AS
WITH versions AS (
    SELECT
        p.*,
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
    topic_id,
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
CROSS JOIN UNNEST(topics) AS t (topic_id)
GROUP BY
    country,
    format('%d-W%02d', year_of_week(created_at), week_of_year(created_at)),
    CAST(date_trunc('week', created_at) AS date),
    topic_id
