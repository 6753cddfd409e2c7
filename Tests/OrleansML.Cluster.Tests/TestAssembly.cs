// The tests start and kill silo processes and restart shared services (PostgreSQL, Azurite): two classes at once
// would kill each other's assumptions and share 2 cores between two clusters' failure detectors. One at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
