namespace OrleansML.Runtime.Tests;

public class StableHashingTests
{
    [Fact]
    public void GrainId_hash_is_the_same_for_equal_ids_and_spreads_nearby_keys()
    {
        var a = new GrainId("shard", "model/1");
        var b = new GrainId("shard", "model/1");
        Assert.Equal(a.StableHash, b.StableHash);
        var hashes = Enumerable.Range(0, 64).Select(i => new GrainId("shard", $"model/{i}").StableHash).ToHashSet();
        Assert.Equal(64, hashes.Count);
        // Nearby keys must land all over the ring, not in one corner: check both halves are used.
        Assert.Contains(hashes, h => h < uint.MaxValue / 2);
        Assert.Contains(hashes, h => h >= uint.MaxValue / 2);
    }

    [Fact]
    public void GrainId_and_SiloAddress_round_trip_through_text()
    {
        var id = GrainId.Parse("counter/a/b");
        Assert.Equal("counter", id.Type);
        Assert.Equal("a/b", id.Key);
        var silo = SiloAddress.Parse("127.0.0.1:11111:42");
        Assert.Equal(new SiloAddress("127.0.0.1", 11111, 42), silo);
        Assert.Throws<FormatException>(() => SiloAddress.Parse("127.0.0.1:x:1"));
        Assert.Throws<FormatException>(() => GrainId.Parse("noslash"));
    }
}
