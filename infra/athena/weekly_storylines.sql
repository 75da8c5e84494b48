-- The storylines of the briefs (weekly/storylines/country=CC/week=YYYY-Www/storylines.parquet), as the stack's
-- Glue table WeeklyStorylinesTable defines it. For setting Athena up by hand: replace <bucket>.
-- Partitions are registered by the deployed brief function as it writes them; by hand, run
-- MSCK REPAIR TABLE weekly_storylines after new weeks.
CREATE EXTERNAL TABLE IF NOT EXISTS weekly_storylines (
  `storyline_id` string,
  `label` string,
  `status` string,
  `since_week` string,
  `posts` bigint,
  `posts_lo` bigint,
  `posts_hi` bigint,
  `share` double,
  `share_lo` double,
  `share_hi` double,
  `previous_posts` double,
  `scored` bigint,
  `mean_sentiment` double,
  `mean_lo` double,
  `mean_hi` double,
  `tone_change` double,
  `tone_verdict` string,
  `press_posts` bigint,
  `public_posts` bigint,
  `coordinated_share` double,
  `languages` array<string>,
  `sources` array<string>,
  `peak_day` string,
  `merged_from` array<string>,
  `split_from` string,
  `generated_at` timestamp,
  `low_quality_share` double,
  `state_affiliated_share` double
)
PARTITIONED BY (`country` string, `week` string)
STORED AS PARQUET
LOCATION 's3://<bucket>/weekly/storylines/'
TBLPROPERTIES ('classification' = 'parquet');
