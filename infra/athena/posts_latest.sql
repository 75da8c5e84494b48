-- Every post once: the posts table with only the row with the latest collected_at per post_id (ties: the
-- later created_at). Until the daily compaction rewrites a partition, a post collected twice is in posts
-- twice, so counts over posts itself overcount; count over this view. The window is keyed on country and
-- post_id, not dt (a platform can report two times for one post, putting its copies in two dt partitions):
-- a filter on country prunes partitions through the view, one on dt does not, so a dt range still reads
-- the country's whole history (a few columns of it are cheap; use posts with count(DISTINCT post_id) when
-- only a count over a few days is needed).
CREATE OR REPLACE VIEW posts_latest AS
SELECT
    post_id, source, query_id, created_at, collected_at, url, lang, text, author_id, likes, reposts, replies,
    is_repost, sentiment, sentiment_pos, sentiment_neu, sentiment_neg, sentiment_label, sentiment_model,
    topics, dup_group, created_at_source, topic_sentiment, links, domains, hashtags, mentions,
    reposted_post_id, quoted_post_id, reply_to_post_id, author_created_at, author_followers, author_posts,
    author_is_verified, country, dt
FROM (
    SELECT
        p.*,
        row_number() OVER (
            PARTITION BY p.country, p.post_id ORDER BY p.collected_at DESC, p.created_at DESC
        ) AS version
    FROM posts AS p
) AS versions
WHERE version = 1
