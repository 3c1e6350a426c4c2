-- Is hll installed in this database (1), only available on the server (2),
-- or absent (0)?
SELECT CASE
         WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hll') THEN 1
         WHEN EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hll') THEN 2
         ELSE 0
       END
