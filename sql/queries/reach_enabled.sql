-- Does this database keep reach sketches?  The hll extension is there and
-- init has added the sketch columns (init after installing hll does both).
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hll')
   AND EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'ad_daily_stats'::regclass AND attname = 'reach_sketch'
                 AND NOT attisdropped)
