// The tests start silo processes and restart the shared Azurite: one class at a time, so that a restart never lands
// in another class's cluster, and two clusters never share the 2 cores' failure detectors.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
