-- The posts table over the lake's posts/ prefix (schema v3), as the stack's Glue table PostsTable defines it.
-- For setting Athena up by hand: replace <bucket> (twice) and the country list with your configuration's
-- countries. Partition projection computes the partitions, so no MSCK REPAIR or crawler is needed.
-- Rows are not deduplicated: a post can appear twice until compaction; the views keep the latest
-- collected_at per post_id.
CREATE EXTERNAL TABLE IF NOT EXISTS posts (
  `post_id` string,
  `source` string,
  `query_id` string,
  `created_at` timestamp,
  `collected_at` timestamp,
  `url` string,
  `lang` string,
  `text` string,
  `author_id` string,
  `likes` bigint,
  `reposts` bigint,
  `replies` bigint,
  `is_repost` boolean,
  `sentiment` double,
  `sentiment_pos` double,
  `sentiment_neu` double,
  `sentiment_neg` double,
  `sentiment_label` string,
  `sentiment_model` string,
  `topics` array<string>,
  `dup_group` string,
  `created_at_source` string,
  `topic_sentiment` map<string,double>,
  `links` array<string>,
  `domains` array<string>,
  `hashtags` array<string>,
  `mentions` array<string>,
  `reposted_post_id` string,
  `quoted_post_id` string,
  `reply_to_post_id` string,
  `author_created_at` timestamp,
  `author_followers` bigint,
  `author_posts` bigint,
  `author_is_verified` boolean
)
PARTITIONED BY (`country` string, `dt` string)
STORED AS PARQUET
LOCATION 's3://<bucket>/posts/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.country.type' = 'enum',
  'projection.country.values' = 'CA,DE,BR',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2020-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://<bucket>/posts/country=${country}/dt=${dt}'
);
