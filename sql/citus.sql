-- citus.sql - distribute adreport's tables on a Citus cluster.
--
-- Applied by `adreport init --citus` after schema.sql and project.sql.
-- companies is distributed by id, every other table by company_id, all
-- co-located with companies, so one tenant's rows live on one node and every
-- per-tenant statement is routed there.  One statement per table, parents
-- before children, because the seed's foreign keys already exist.
-- Idempotent: a table that is already distributed is skipped.  A database
-- that grew up on one server keeps every row: create_distributed_table copies
-- a table's local rows into its shards, and the copies left behind on the
-- coordinator are truncated at the end.
--
-- Views are dropped here and recreated by views.sql after the distribution:
-- a view over a table that was still local when the view was made stays
-- local to the coordinator.
DROP VIEW IF EXISTS campaign_daily_stats;

SELECT create_distributed_table('companies', 'id')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'companies'::regclass);

SELECT create_distributed_table('campaigns', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'campaigns'::regclass);

SELECT create_distributed_table('ads', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'ads'::regclass);

SELECT create_distributed_table('clicks', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'clicks'::regclass);

SELECT create_distributed_table('impressions', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'impressions'::regclass);

SELECT create_distributed_table('adreport_loaded_files', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'adreport_loaded_files'::regclass);

SELECT create_distributed_table('adreport_dirty_days', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'adreport_dirty_days'::regclass);

SELECT create_distributed_table('adreport_dirty_months', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'adreport_dirty_months'::regclass);

SELECT create_distributed_table('adreport_tenant_settings', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'adreport_tenant_settings'::regclass);

SELECT create_distributed_table('ad_daily_stats', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'ad_daily_stats'::regclass);
SELECT create_distributed_table('adreport_site_hosts', 'company_id', colocate_with => 'companies')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'adreport_site_hosts'::regclass);

-- The local copies of rows that create_distributed_table moved into shards
-- (a no-op for tables that were empty or distributed before).
SELECT truncate_local_data_after_distributing_table(p.logicalrelid)
FROM pg_dist_partition p
WHERE p.logicalrelid IN ('companies'::regclass, 'campaigns'::regclass, 'ads'::regclass,
                         'clicks'::regclass, 'impressions'::regclass,
                         'adreport_loaded_files'::regclass, 'adreport_dirty_days'::regclass,
                         'adreport_dirty_months'::regclass, 'ad_daily_stats'::regclass,
                         'adreport_tenant_settings'::regclass,
                         'adreport_site_hosts'::regclass);
