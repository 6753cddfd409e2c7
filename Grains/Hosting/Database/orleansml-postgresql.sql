-- OrleansML's PostgreSQL schema for Orleans' ADO.NET providers (invariant "Npgsql"): clustering, reminders and grain
-- storage in one database. Needs PostgreSQL 15 or later (UNIQUE NULLS NOT DISTINCT).
--
-- Orleans runs no SQL of its own beyond reading OrleansQuery: every operation is a row there, looked up by QueryKey,
-- its @parameters bound by name and its result columns read by name. The names and result shapes below are that
-- contract (Orleans 10.4.2); the SQL behind them is ours. Providers cache the query texts when they start, so a
-- silo must restart to pick up a changed text.
--
-- Safe to apply again and again: tables are created only if missing and query texts are replaced, so applying a
-- newer version of this script upgrades the queries in place. Apply it with `orleansml db init`, or with
-- psql -v ON_ERROR_STOP=1 -f orleansml-postgresql.sql.

-- One transaction: a half-applied schema would leave providers failing at start with a confusing missing-key error.
BEGIN;

-- CREATE ... IF NOT EXISTS is not safe against a concurrent identical CREATE (it fails on the catalog's unique
-- index), and two silos may both run `db init` at start; whoever comes second waits here and then finds all done.
SELECT pg_advisory_xact_lock(4729146188271044301);

-- ETags for grain state and reminders. Every write takes a fresh number from this one sequence, never Version + 1:
-- a row that is deleted (DeleteStateOnClear, an unregistered reminder) and created again would otherwise restart at
-- the same small numbers, and a stale holder of an old ETag could then overwrite the new row (the ABA problem).
-- CYCLE: Orleans parses ETags as int, and a busy service can draw 2^31 numbers; wrapping to 1 reuses a number only
-- after two billion writes, far beyond any ETag a live activation still holds.
CREATE SEQUENCE IF NOT EXISTS OrleansVersions AS integer MINVALUE 1 CYCLE;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText text NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

---------------------------------------------------------------------------------------------------------------------
-- Clustering. One version row per cluster (DeploymentId = ClusterOptions.ClusterId) is the optimistic-concurrency
-- token for the whole membership table: every membership change must bump it in the same statement that makes the
-- change, and only if it still holds the version the silo last read.
-- timestamptz everywhere: Orleans sends UTC DateTimes, which Npgsql 6+ refuses to write to timestamp columns.
---------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text NOT NULL,
    Timestamp timestamptz NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,
    CONSTRAINT OrleansMembershipVersionTable_Key PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName text NOT NULL,
    HostName text NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes text NULL,
    StartTime timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    CONSTRAINT OrleansMembershipTable_Key PRIMARY KEY (DeploymentId, Address, Port, Generation),
    -- Cascade, so that deleting a cluster is one statement on the version row and cannot leave orphans.
    CONSTRAINT OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);

---------------------------------------------------------------------------------------------------------------------
-- Reminders. GrainHash is the grain's uniform hash cast to a signed int; each silo reads the hash range it owns.
-- Text keys: GrainId.ToString() has no length bound worth betting a silo's start on.
---------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId text NOT NULL,
    GrainId text NOT NULL,
    ReminderName text NOT NULL,
    StartTime timestamptz NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,
    CONSTRAINT OrleansRemindersTable_Key PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS OrleansRemindersTable_Range ON OrleansRemindersTable (ServiceId, GrainHash);

---------------------------------------------------------------------------------------------------------------------
-- Grain storage. A grain's state is identified by service, grain type and grain id (two 64-bit halves plus an
-- optional string key or key extension); the two hashes come first so lookups start on narrow integer columns.
-- NULLS NOT DISTINCT makes a NULL key extension one identity, not "distinct from every other NULL": without it the
-- first-write guard (INSERT ... ON CONFLICT DO NOTHING) would let two racing activations both insert.
---------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash integer NOT NULL,
    GrainTypeHash integer NOT NULL,
    ServiceId text NOT NULL,
    GrainTypeString text NOT NULL,
    GrainIdN0 bigint NOT NULL,
    GrainIdN1 bigint NOT NULL,
    GrainIdExtensionString text NULL,
    PayloadBinary bytea NULL,
    ModifiedOn timestamptz NOT NULL DEFAULT now(),
    Version integer NOT NULL,
    CONSTRAINT OrleansStorage_Grain UNIQUE NULLS NOT DISTINCT
        (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

---------------------------------------------------------------------------------------------------------------------
-- The queries. Conventions Orleans relies on:
-- * A "flag" result is one row with one column; a value > 0 means the operation happened.
-- * Parameters are cast where PostgreSQL would otherwise have to guess a type from NULL.
-- * No statement may half-succeed. Where two rows change together, both changes are data-modifying CTEs of one
--   statement and the second reads the first's RETURNING, so it happens only if the first did; any error rolls back
--   the whole statement.
---------------------------------------------------------------------------------------------------------------------
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Returns 1 when this call created the cluster's version row, 0 when it already existed (both are fine).
('InsertMembershipVersionKey', $sql$
    WITH created AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM created;
$sql$),

-- The version row always comes back, joined to no member (NULL StartTime) when the cluster has none yet:
-- Orleans reads the table version from the first row either way. One statement, so rows and version agree.
('MembershipReadAllKey', $sql$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
$sql$),

('MembershipReadRowKey', $sql$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
$sql$),

-- The version bump takes the version row's lock, so a racing writer with the same expected version waits, then
-- finds the version moved on and changes nothing. The bump is skipped when the silo's row already exists, so a
-- duplicate insert neither bumps nor fails; a row inserted by a writer that bypassed the version would raise a
-- unique violation here and roll the bump back with it.
('InsertMembershipKey', $sql$
    WITH bumped AS (
        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = @DeploymentId AND Version = @Version
          AND NOT EXISTS (
              SELECT 1 FROM OrleansMembershipTable
              WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
        RETURNING DeploymentId),
    inserted AS (
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
               @StartTime, @IAmAliveTime
        FROM bumped
        RETURNING 1)
    SELECT count(*)::integer FROM inserted;
$sql$),

-- As InsertMembershipKey: the row changes only together with a successful version bump. A row deleted between
-- the check and the update (defunct-entry cleanup does not take the version) costs a spurious bump and a 0 result,
-- which Orleans answers by reading the table again.
('UpdateMembershipKey', $sql$
    WITH bumped AS (
        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = @DeploymentId AND Version = @Version
          AND EXISTS (
              SELECT 1 FROM OrleansMembershipTable
              WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
        RETURNING DeploymentId),
    updated AS (
        UPDATE OrleansMembershipTable m
        SET Status = @Status, SuspectTimes = @SuspectTimes::text, IAmAliveTime = @IAmAliveTime
        FROM bumped
        WHERE m.DeploymentId = bumped.DeploymentId
          AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
        RETURNING 1)
    SELECT count(*)::integer FROM updated;
$sql$),

-- Heartbeats are not membership changes: they must not move the version, or every heartbeat would make every
-- other silo's pending membership write fail.
('UpdateIAmAlivetimeKey', $sql$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$sql$),

-- Clients find gateways here; @Status is Active (3). ProxyPort 0 means the silo runs no gateway.
('GatewaysQueryKey', $sql$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$sql$),

-- The foreign key cascades to the cluster's member rows.
('DeleteMembershipTableEntriesKey', $sql$
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$sql$),

-- Required, but Orleans 10.4.2 uses it only when CleanupDefunctSiloEntryKey is absent. Only silos declared Dead
-- (6) are defunct, and only when nothing about them (start, heartbeat, suspicion) is newer than the cutoff:
-- deleting any other row would erase membership evidence a live cluster may still need.
('CleanupDefunctSiloEntriesKey', $sql$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = 6
      AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime
      AND COALESCE(SuspectTimes, '') = '';
$sql$),

-- Optional in 10.4.2, and preferred by it when present: Orleans reads the table, picks Dead rows whose start,
-- heartbeat and suspicion times all predate the cutoff, and deletes each one only if it is still exactly the row
-- it read, so a row that changed since (or a silo that revived under the same generation) survives.
('CleanupDefunctSiloEntryKey', $sql$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
      AND Status = 6 AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
      AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes::text, '');
$sql$),

-- Reminders: Version is the reminder's ETag, fresh from OrleansVersions on every upsert.
('UpsertReminderRowKey', $sql$
    INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, nextval('OrleansVersions'))
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
    SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
        Version = excluded.Version
    RETURNING r.Version AS Version;
$sql$),

('ReadReminderRowsKey', $sql$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$sql$),

('ReadReminderRowKey', $sql$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$sql$),

-- A silo's range (@BeginHash, @EndHash] when it does not wrap past the largest hash...
('ReadRangeRows1Key', $sql$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$sql$),

-- ...and when it does: Orleans picks this one when (int)BeginHash >= (int)EndHash.
('ReadRangeRows2Key', $sql$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$sql$),

-- Flag: 1 if the reminder was deleted, 0 if it was gone or its ETag moved on.
('DeleteReminderRowKey', $sql$
    WITH deleted AS (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
        RETURNING 1)
    SELECT count(*)::integer FROM deleted;
$sql$),

('DeleteReminderRowsKey', $sql$
    DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$sql$),

-- Grain storage. The ETag is Version. Reads return at most one row (the unique constraint); a NULL payload means
-- the state was cleared and reads as the default state.
('ReadFromStorageKey', $sql$
    SELECT PayloadBinary, ModifiedOn, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::text;
$sql$),

-- Exactly one row, NewGrainStateVersion: the new version, or NULL when nothing was written. Orleans turns NULL
-- (or an unchanged version) into InconsistentStateException. With an ETag the write is a compare-and-swap on
-- Version; without one it is a first write, which must lose to any row already there, even one inserted a
-- moment ago by a racing activation (ON CONFLICT DO NOTHING on the grain's unique identity).
('WriteToStorageKey', $sql$
    WITH updated AS (
        UPDATE OrleansStorage
        SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = nextval('OrleansVersions')
        WHERE @GrainStateVersion::integer IS NOT NULL
          AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
          AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::text
          AND Version = @GrainStateVersion::integer
        RETURNING Version),
    inserted AS (
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
             PayloadBinary, ModifiedOn, Version)
        SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
               @GrainIdExtensionString::text, @PayloadBinary, now(), nextval('OrleansVersions')
        WHERE @GrainStateVersion::integer IS NULL
        ON CONFLICT ON CONSTRAINT OrleansStorage_Grain DO NOTHING
        RETURNING Version)
    SELECT (SELECT Version FROM updated UNION ALL SELECT Version FROM inserted LIMIT 1) AS NewGrainStateVersion;
$sql$),

-- Keeps the row but drops its payload: reads then return the default state with a current ETag. One row, the new
-- version or NULL on conflict.
('ClearStorageKey', $sql$
    WITH cleared AS (
        UPDATE OrleansStorage
        SET PayloadBinary = NULL, ModifiedOn = now(), Version = nextval('OrleansVersions')
        WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
          AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::text
          AND Version = @GrainStateVersion::integer
        RETURNING Version)
    SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion;
$sql$),

-- Used instead of ClearStorageKey when DeleteStateOnClear is set. Returns the deleted version + 1 so that Orleans
-- sees a version different from the ETag it sent (success); NULL when nothing matched (conflict).
('DeleteStorageKey', $sql$
    WITH deleted AS (
        DELETE FROM OrleansStorage
        WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
          AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::text
          AND Version = @GrainStateVersion::integer
        RETURNING Version)
    SELECT (SELECT Version::bigint + 1 FROM deleted) AS NewGrainStateVersion;
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

COMMIT;
