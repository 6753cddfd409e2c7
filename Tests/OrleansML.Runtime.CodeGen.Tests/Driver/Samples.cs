namespace OrleansML.Runtime.CodeGen.Tests.Driver;

/// <summary>Source texts compiled by the driver tests.</summary>
internal static class Samples
{
    public const string Usings = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using OrleansML.Runtime;

        """;

    public const string Interfaces = Usings + """
        namespace Sample;

        public interface ICounter : IGrainWithIntegerKey
        {
            Task<int> Add(int delta, CancellationToken cancellationToken);
            [ReadOnly] ValueTask<int> Get();
            Task Reset();
            ValueTask Touch(string? note);
            IAsyncEnumerable<int> Count(int upTo);
            IAsyncEnumerable<string> Names();
            Task Overload(int value);
            Task Overload(string value);
            Task<string> @class(string @event);
        }

        public interface INamedCounter : ICounter
        {
            Task<string> Name();
        }

        public static class Outer
        {
            public interface IInner_Grain : IGrainWithStringKey
            {
                Task Ping();
            }
        }
        """;

    public const string GrainClass = Usings + """
        namespace Sample;

        public sealed class CounterState { public int Value { get; set; } }

        public interface IClock { long Now(); }

        [GrainType("my-counter"), SpreadPlacement, Reentrant]
        public sealed class CounterGrain(IClock clock, [PersistentState("state", "store")] IPersistentState<CounterState> state) : Grain, INamedCounter
        {
            public Task<int> Add(int delta, CancellationToken cancellationToken) => Task.FromResult(state.State.Value += delta);
            public ValueTask<int> Get() => new(state.State.Value);
            public Task Reset() => Task.CompletedTask;
            public ValueTask Touch(string? note) => default;
            public async IAsyncEnumerable<int> Count(int upTo) { for (int i = 0; i < upTo; i++) { await Task.Yield(); yield return i; } }
            public async IAsyncEnumerable<string> Names() { await Task.Yield(); yield return clock.Now().ToString(System.Globalization.CultureInfo.InvariantCulture); }
            public Task Overload(int value) => Task.CompletedTask;
            public Task Overload(string value) => Task.CompletedTask;
            public Task<string> @class(string @event) => Task.FromResult(@event);
            public Task<string> Name() => Task.FromResult("counter");
        }
        """;
}
