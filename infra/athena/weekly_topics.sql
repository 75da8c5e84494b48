-- Per-topic weekly statistics of the briefs (weekly/country=CC/week=YYYY-Www/topics.parquet), as the stack's
-- Glue table WeeklyTopicsTable defines it. For setting Athena up by hand: replace <bucket>.
-- ISO weeks do not fit Athena's date projection, so partitions are registered: the deployed brief function
-- adds each (country, week) as it writes it; by hand, run MSCK REPAIR TABLE weekly_topics after new weeks.
CREATE EXTERNAL TABLE IF NOT EXISTS weekly_topics (
  `topic_id` string,
  `label` string,
  `posts` bigint,
  `authors` bigint,
  `share_of_voice` double,
  `share_of_voice_lo` double,
  `share_of_voice_hi` double,
  `scored` bigint,
  `mean_sentiment` double,
  `mean_lo` double,
  `mean_hi` double,
  `positive_share` double,
  `neutral_share` double,
  `negative_share` double,
  `net_tone` double,
  `previous_posts` bigint,
  `previous_mean_sentiment` double,
  `change` double,
  `p_value` double,
  `p_adjusted` double,
  `verdict` string,
  `generated_at` timestamp,
  `about_us` boolean
)
PARTITIONED BY (`country` string, `week` string)
STORED AS PARQUET
LOCATION 's3://<bucket>/weekly/'
TBLPROPERTIES ('classification' = 'parquet');
