-- Weekly volume and tone of the press (news sources: rss, google_news, gdelt) and of the public (social
-- sources), one row each per (country, ISO week) (weekly_sides/country=CC/week=YYYY-Www/sides.parquet), as the
-- stack's Glue table WeeklySidesTable defines it. For setting Athena up by hand: replace <bucket>. Partitions
-- are registered by the deployed brief function; by hand, run MSCK REPAIR TABLE weekly_sides after new weeks.
CREATE EXTERNAL TABLE IF NOT EXISTS weekly_sides (
  `side` string,
  `sources` array<string>,
  `posts` bigint,
  `authors` bigint,
  `share` double,
  `share_lo` double,
  `share_hi` double,
  `previous_posts` bigint,
  `volume_p_value` double,
  `volume_verdict` string,
  `scored` bigint,
  `mean_sentiment` double,
  `mean_lo` double,
  `mean_hi` double,
  `previous_mean_sentiment` double,
  `change` double,
  `p_value` double,
  `verdict` string,
  `generated_at` timestamp
)
PARTITIONED BY (`country` string, `week` string)
STORED AS PARQUET
LOCATION 's3://<bucket>/weekly_sides/'
TBLPROPERTIES ('classification' = 'parquet');
