using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Placement;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Tests.Core;

public sealed class MessagingUnitTests
{
    [Fact]
    public void Message_headers_round_trip_every_field()
    {
        var header = new MessageHeader
        {
            Direction = MessageDirection.Response,
            CallId = long.MaxValue - 3,
            TargetGrain = new GrainId("shard", "model/7"),
            InterfaceName = "My.IShard",
            MethodId = 0xDEADBEEF,
            Flags = InvokeMethodOptions.ReadOnly | InvokeMethodOptions.ImmutableArguments,
            SendingSilo = new SiloAddress("127.0.0.1", 11111, 12345),
            SendingClient = "client-1",
            TargetSilo = new SiloAddress("10.0.0.2", 22222, -1),
            DeadlineUtcTicks = DateTimeOffset.UnixEpoch.UtcTicks + 99,
            CallChainId = Guid.NewGuid(),
            ForwardCount = 2,
            Status = ResponseStatus.Rejection,
            Rejection = RejectionKind.TooManyForwards,
        };

        MessageHeader read = MessageHeaderCodec.Decode(MessageHeaderCodec.Encode(header));

        Assert.Equal(header.Direction, read.Direction);
        Assert.Equal(header.CallId, read.CallId);
        Assert.Equal(header.TargetGrain, read.TargetGrain);
        Assert.Equal(header.InterfaceName, read.InterfaceName);
        Assert.Equal(header.MethodId, read.MethodId);
        Assert.Equal(header.Flags, read.Flags);
        Assert.Equal(header.SendingSilo, read.SendingSilo);
        Assert.Equal(header.SendingClient, read.SendingClient);
        Assert.Equal(header.TargetSilo, read.TargetSilo);
        Assert.Equal(header.DeadlineUtcTicks, read.DeadlineUtcTicks);
        Assert.Equal(header.CallChainId, read.CallChainId);
        Assert.Equal(header.ForwardCount, read.ForwardCount);
        Assert.Equal(header.Status, read.Status);
        Assert.Equal(header.Rejection, read.Rejection);
    }

    [Fact]
    public void Headers_ignore_appended_fields_and_reject_other_versions_and_truncation()
    {
        var header = new MessageHeader { Direction = MessageDirection.Request, CallId = 1, InterfaceName = "I", TargetGrain = new GrainId("t", "k") };
        byte[] bytes = MessageHeaderCodec.Encode(header);

        // A newer minor version appends fields: this reader ignores them.
        MessageHeader extended = MessageHeaderCodec.Decode([.. bytes, 1, 2, 3]);
        Assert.Equal(header.TargetGrain, extended.TargetGrain);

        byte[] otherVersion = [.. bytes];
        otherVersion[0] = 99;
        Assert.Contains("version 99", Assert.Throws<MessageFormatException>(() => MessageHeaderCodec.Decode(otherVersion)).Message, StringComparison.Ordinal);
        Assert.Throws<MessageFormatException>(() => MessageHeaderCodec.Decode(bytes.AsSpan(0, bytes.Length / 2)));
    }

    [Fact]
    public void Exceptions_round_trip_as_known_types_or_RemoteGrainException()
    {
        static Exception RoundTrip(Exception e)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var writer = new BodyWriter(buffer);
            ExceptionCodec.Write(ref writer, e, includeStackTrace: true);
            var reader = new BodyReader(buffer.WrittenSpan);
            return ExceptionCodec.Read(ref reader);
        }

        Assert.IsType<ArgumentException>(RoundTrip(new ArgumentException("a")));
        Assert.Equal("gone", Assert.IsType<KeyNotFoundException>(RoundTrip(new KeyNotFoundException("gone"))).Message);
        Assert.IsType<global::OrleansML.Runtime.Persistence.InconsistentStateException>(RoundTrip(new global::OrleansML.Runtime.Persistence.InconsistentStateException("stale")));
        var remote = Assert.IsType<RemoteGrainException>(RoundTrip(new Grains.CustomGrainException("boom")));
        Assert.Equal(typeof(Grains.CustomGrainException).FullName, remote.ExceptionType);

        // A remote exception passed on by another grain keeps its original type name and message.
        var again = Assert.IsType<RemoteGrainException>(RoundTrip(remote));
        Assert.Equal(remote.ExceptionType, again.ExceptionType);
        Assert.Equal(remote.Message, again.Message);
    }

    [Fact]
    public void The_ring_gives_every_hash_one_owner_and_its_ranges_cover_the_whole_space()
    {
        SiloAddress[] silos = [new("127.0.0.1", 1, 1), new("127.0.0.1", 2, 1), new("127.0.0.1", 3, 1)];
        var ring = new ConsistentHashRing(silos, 30);
        var counts = silos.ToDictionary(s => s, _ => 0);
        for (int i = 0; i < 3000; i++)
        {
            counts[ring.GetOwner(new GrainId("g", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).StableHash)!]++;
        }

        // 30 virtual nodes each: no silo owns less than a fifth of the keys.
        Assert.All(counts.Values, c => Assert.InRange(c, 600, 1400));

        // The ranges of all silos partition the ring: each sample hash falls in exactly one owner's ranges, the owner's.
        foreach (uint hash in new uint[] { 0, 1, 12345, uint.MaxValue / 2, uint.MaxValue })
        {
            SiloAddress[] holders = [.. silos.Where(s => ring.GetRanges(s).Any(r => InRange(hash, r.BeginExclusive, r.EndInclusive)))];
            Assert.Equal([ring.GetOwner(hash)!], holders);
        }

        // A lone silo owns everything through one wrapping range.
        var single = new ConsistentHashRing([silos[0]], 30);
        var only = Assert.Single(single.GetRanges(silos[0]));
        Assert.True(InRange(7, only.BeginExclusive, only.EndInclusive));
        Assert.Null(new ConsistentHashRing([], 30).GetOwner(5));
    }

    private static bool InRange(uint h, uint begin, uint end) => begin < end ? h > begin && h <= end : h > begin || h <= end;

    [Fact]
    public void Spread_indices_come_from_the_key_suffix()
    {
        Assert.Equal(0, PlacementService.SpreadIndex(new GrainId("s", "model/0")));
        Assert.Equal(17, PlacementService.SpreadIndex(new GrainId("s", "a/b/17")));
        Assert.Equal(5, PlacementService.SpreadIndex(new GrainId("s", "5")));
        Assert.True(PlacementService.SpreadIndex(new GrainId("s", "no-number")) >= 0);
    }

    [Fact]
    public void Reminder_ticks_follow_the_start_time_and_period_and_skip_missed_ones()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entry = new ReminderEntry(new GrainId("r", "1"), "tick", start, TimeSpan.FromMinutes(1));
        Assert.Equal(start, ScheduledReminder.NextTickAfter(entry, start.AddSeconds(-5)));
        Assert.Equal(start.AddMinutes(1), ScheduledReminder.NextTickAfter(entry, start));
        Assert.Equal(start.AddMinutes(11), ScheduledReminder.NextTickAfter(entry, start.AddMinutes(10).AddSeconds(1)));
    }

    [Fact]
    public void Silo_options_are_validated_with_the_option_named()
    {
        var validator = new SiloOptionsValidator();
        Assert.True(validator.Validate(null, new SiloOptions()).Succeeded);
        var bad = new SiloOptions { ClusterId = "", ResponseTimeout = TimeSpan.Zero, MaxForwardCount = -1, VirtualNodesPerSilo = 0, AdvertisedHost = "not-an-ip" };
        string failures = string.Join("\n", validator.Validate(null, bad).Failures!);
        Assert.Contains("SiloOptions.ClusterId", failures, StringComparison.Ordinal);
        Assert.Contains("SiloOptions.ResponseTimeout", failures, StringComparison.Ordinal);
        Assert.Contains("SiloOptions.MaxForwardCount", failures, StringComparison.Ordinal);
        Assert.Contains("SiloOptions.VirtualNodesPerSilo", failures, StringComparison.Ordinal);
        Assert.Contains("SiloOptions.AdvertisedHost", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", new SiloOptions { ClusterSecret = "secret" }.ToString(), StringComparison.Ordinal);
    }
}
