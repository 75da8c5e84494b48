-- Who amplifies (weekly/amplification/country=CC/week=YYYY-Www/amplification.parquet), as the stack's Glue
-- table WeeklyAmplificationTable defines it: one row per co-sharing cluster (cluster_id set; members are
-- author pseudonyms, to match clusters across weeks) and one row of the week's account and outlet signals
-- (cluster_id null). For setting Athena up by hand: replace <bucket>. Partitions are registered by the
-- deployed brief function as it writes them; by hand, run MSCK REPAIR TABLE weekly_amplification.
CREATE EXTERNAL TABLE IF NOT EXISTS weekly_amplification (
  `cluster_id` string,
  `since` string,
  `accounts` bigint,
  `posts` bigint,
  `share_of_week` double,
  `coordinated_shares` bigint,
  `links` array<string>,
  `domains` array<string>,
  `mean_sentiment` double,
  `members` array<string>,
  `young_account_share` double,
  `top_1pct_share` double,
  `rate_outlier_share` double,
  `tone_one_author_one_vote` double,
  `low_quality_link_share` double,
  `state_affiliated_link_share` double,
  `window_seconds` bigint,
  `generated_at` string
)
PARTITIONED BY (`country` string, `week` string)
STORED AS PARQUET
LOCATION 's3://<bucket>/weekly/amplification/'
TBLPROPERTIES ('classification' = 'parquet');
